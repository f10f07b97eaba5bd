import type { Pool } from 'pg';
import { DEFAULT_PG_SCHEMA } from './postgres-schema';

/**
 * What a role does with a PostgreSQL read model (the same words as @minsheng/store-postgres's
 * LedgerRole): a projector writes it; a writer reads it (to find plans and reports) and a
 * reader reads it.
 */
export type ReadModelUse = 'writer' | 'projector' | 'reader';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The grants on the read model in `schema` (default minsheng_rm) and on the pointer to its
 * serving version (read_model_active, in the event store's schema `pointerSchema`) for `role`,
 * after revoking what it had there. Only a projector may write the read model's tables (a
 * rebuild in place empties them with TRUNCATE); no one but the owner may switch the pointer,
 * which only `rebuild --beside` does, and it creates a schema, so the owner runs it.
 */
export const readModelGrants = (
  use: ReadModelUse,
  role: string,
  options: { readonly schema?: string; readonly pointerSchema?: string } = {},
): string[] => {
  const schema = options.schema ?? DEFAULT_PG_SCHEMA;
  const pointerSchema = options.pointerSchema ?? 'minsheng';
  for (const s of [schema, pointerSchema])
    if (!IDENTIFIER.test(s)) throw new RangeError(`schema "${s}" must be lower-case letters, digits and underscores`);
  const r = quoted(role);
  const s = quoted(schema);
  const pointer = `${quoted(pointerSchema)}.read_model_active`;
  return [
    `REVOKE ALL ON ${pointer} FROM ${r}`,
    `GRANT SELECT ON ${pointer} TO ${r}`,
    `REVOKE ALL ON SCHEMA ${s} FROM ${r}`,
    `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
    use === 'projector'
      ? `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA ${s} TO ${r}`
      : `GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${r}`,
  ];
};

/**
 * Gives every role granted something on read model `from` (its schema and its tables) the same
 * grants on `to`, a version just built beside it by the owner: otherwise, once `to` serves, the
 * projectors, writers and readers of `from` could not use it. Run as the owner of both.
 */
export const copyReadModelGrants = async (pool: Pick<Pool, 'query'>, from: string, to: string): Promise<number> => {
  for (const s of [from, to]) if (!IDENTIFIER.test(s)) throw new RangeError(`schema "${s}" must be lower-case letters, digits and underscores`);
  // grantee 0 is PUBLIC; the owner's own privileges come with owning `to`.
  const { rows } = await pool.query<{ on: string | null; grantee: string; privilege: string }>(
    `SELECT NULL AS on, CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END AS grantee, g.privilege_type AS privilege
       FROM pg_namespace n, aclexplode(n.nspacl) g
      WHERE n.nspname = $1 AND g.grantee <> n.nspowner
     UNION ALL
     SELECT c.relname, CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END, g.privilege_type
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) g
      WHERE n.nspname = $1 AND c.relkind = 'r' AND g.grantee <> c.relowner
        AND EXISTS (SELECT 1 FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE tn.nspname = $2 AND t.relname = c.relname)`,
    [from, to],
  );
  for (const g of rows)
    await pool.query(`GRANT ${g.privilege} ON ${g.on === null ? `SCHEMA ${quoted(to)}` : `${quoted(to)}.${quoted(g.on)}`} TO ${g.grantee}`);
  return rows.length;
};
