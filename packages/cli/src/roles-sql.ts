import { DEFAULT_PG_SCHEMA, readModelGrants } from '@minsheng/projections';
import type { LedgerRole } from '@minsheng/store-postgres';

/** Where a PostgreSQL ledger's roles apply, and what they are called. */
export interface RolesSqlOptions {
  /** The event store's schema (default minsheng, where the CLI keeps it). */
  readonly schema: string;
  /** The serving read model's schema (default minsheng_rm). */
  readonly readModel: string;
  /** Begins each role's name: <prefix>writer, <prefix>projector, <prefix>reader (default minsheng_). */
  readonly prefix: string;
}

export const DEFAULT_ROLES_SQL: RolesSqlOptions = { schema: 'minsheng', readModel: DEFAULT_PG_SCHEMA, prefix: 'minsheng_' };

const WHAT: Record<LedgerRole, string> = {
  writer: 'appends events (report, correct, retract, plan import, deadlines with --no-project); reads the read model',
  projector: 'writes the read model (rebuild; with writer: worker and commands that project inline); reads the events',
  reader: 'reads (status, audit, plan show with --no-project; verify)',
};

/**
 * The SQL an operator runs as the ledger's owner to create the role set and grant it, in one
 * transaction. Idempotent: roles are created only when missing, and each role's grants are
 * revoked and given again, so a second run changes nothing and a changed run leaves only what
 * it grants. Needs @minsheng/store-postgres loaded (it loads pg), so the caller passes it in.
 */
export const rolesSql = (
  o: RolesSqlOptions,
  eventStoreGrants: (kind: LedgerRole, role: string, options: { schema: string }) => string[],
): string => {
  const roles: readonly LedgerRole[] = ['writer', 'projector', 'reader'];
  const name = (kind: LedgerRole) => `${o.prefix}${kind}`;
  return [
    `-- Minsheng Ledger: the roles of the ledger whose event store is in schema ${o.schema}`,
    `-- and whose read model is in schema ${o.readModel}. Run it as the owner of both (the role`,
    '-- that ran `minsheng init` or `minsheng migrate`), e.g. psql -v ON_ERROR_STOP=1 -f roles.sql.',
    '-- It can be run again: it creates the roles only when missing (NOLOGIN; that needs CREATEROLE,',
    '-- or an administrator creates them first) and leaves each with exactly these grants.',
    '-- People and services log in as roles of their own that are members of one or two of these:',
    `--   CREATE ROLE report_service LOGIN PASSWORD '...' IN ROLE ${name('writer')};`,
    `--   CREATE ROLE projection_worker LOGIN PASSWORD '...' IN ROLE ${name('writer')}, ${name('projector')};`,
    '-- Which role runs which command: docs/postgres.md, "Roles".',
    'BEGIN;',
    'DO $roles$',
    'BEGIN',
    ...roles.map(
      (kind) => `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name(kind)}') THEN CREATE ROLE "${name(kind)}" NOLOGIN; END IF;`,
    ),
    'END',
    '$roles$;',
    ...roles.flatMap((kind) => [
      `-- ${name(kind)}: ${WHAT[kind]}`,
      ...eventStoreGrants(kind, name(kind), { schema: o.schema }).map((s) => `${s};`),
      ...readModelGrants(kind, name(kind), { schema: o.readModel, pointerSchema: o.schema }).map((s) => `${s};`),
    ]),
    'COMMIT;',
  ].join('\n');
};
