import { escapeIdentifier, type Pool } from 'pg';
import { ledgerNames } from './names';
import { inTransaction } from './transaction';

/**
 * The roles that use a ledger without owning it (docs/postgres.md, "Roles"). The owner runs
 * the migrations and owns the tables; none of these may change an event, the schema or the
 * triggers:
 * - writer: appends events (INSERT and SELECT on events, keeps the streams' revisions);
 * - projector: keeps a read model, and only reads the event store;
 * - reader: reads.
 */
export type LedgerRole = 'writer' | 'projector' | 'reader';

export const LEDGER_ROLES: readonly LedgerRole[] = ['writer', 'projector', 'reader'];

/**
 * The grants on the event store in `schema` that make `role` a `kind` of the ledger, after
 * revoking whatever it was granted there before (so running them again, or for another kind,
 * leaves exactly these). UPDATE, DELETE and TRUNCATE of events are granted to no one, and the
 * events_append_only trigger refuses them even to the owner: the grants are the first wall and
 * the trigger the second. Run them as the schema's owner after migrating.
 */
export const eventStoreGrants = (kind: LedgerRole, role: string, options: { readonly schema?: string } = {}): string[] => {
  const n = ledgerNames(options.schema);
  const r = escapeIdentifier(role);
  const tables = `${n.events}, ${n.streams}, ${n.migrations}, ${n.merkleSizes}`;
  return [
    `REVOKE ALL ON SCHEMA ${n.quotedSchema} FROM ${r}`,
    `GRANT USAGE ON SCHEMA ${n.quotedSchema} TO ${r}`,
    `REVOKE ALL ON ${tables} FROM ${r}`,
    ...(kind === 'writer'
      ? [
          `GRANT SELECT, INSERT ON ${n.events} TO ${r}`,
          // An append records its stream's new revision here (INSERT ... ON CONFLICT DO UPDATE).
          `GRANT SELECT, INSERT, UPDATE ON ${n.streams} TO ${r}`,
          // And the size the Merkle tree reached (schema 5).
          `GRANT SELECT, INSERT ON ${n.merkleSizes} TO ${r}`,
          // Opening a store checks the schema version.
          `GRANT SELECT ON ${n.migrations} TO ${r}`,
        ]
      : [`GRANT SELECT ON ${tables} TO ${r}`]),
  ];
};

/** The grants that make `role` an append-only user of the ledger in `schema`: eventStoreGrants('writer', …). */
export const appendOnlyRoleSql = (role: string, options: { readonly schema?: string } = {}): string[] => eventStoreGrants('writer', role, options);

/** Runs appendOnlyRoleSql in one transaction. */
export const grantAppendOnly = (pool: Pool, role: string, options: { readonly schema?: string } = {}): Promise<void> =>
  inTransaction(pool, 'BEGIN', async (client) => {
    for (const statement of appendOnlyRoleSql(role, options)) await client.query(statement);
  });
