import { escapeIdentifier, type Pool } from 'pg';
import { ledgerNames } from './names';
import { inTransaction } from './transaction';

/**
 * The grants that make `role` an append-only user of the ledger in `schema`: it may read
 * and insert events, and keep the streams table's revisions, but never UPDATE, DELETE or
 * TRUNCATE an event (not granted, and revoked in case an earlier grant gave them). The
 * events_append_only trigger refuses those statements for every role, the owner included,
 * so the grants are the first wall and the trigger the second. The role itself (LOGIN,
 * password) is the operator's to create; run these as the schema's owner after migrating.
 */
export const appendOnlyRoleSql = (role: string, options: { readonly schema?: string } = {}): string[] => {
  const n = ledgerNames(options.schema);
  const r = escapeIdentifier(role);
  return [
    `GRANT USAGE ON SCHEMA ${n.quotedSchema} TO ${r}`,
    `REVOKE ALL ON ${n.events}, ${n.streams}, ${n.migrations} FROM ${r}`,
    `GRANT SELECT, INSERT ON ${n.events} TO ${r}`,
    // An append records its stream's new revision here (INSERT ... ON CONFLICT DO UPDATE).
    `GRANT SELECT, INSERT, UPDATE ON ${n.streams} TO ${r}`,
    // Opening a store checks the schema version.
    `GRANT SELECT ON ${n.migrations} TO ${r}`,
  ];
};

/** Runs appendOnlyRoleSql in one transaction. */
export const grantAppendOnly = (pool: Pool, role: string, options: { readonly schema?: string } = {}): Promise<void> =>
  inTransaction(pool, 'BEGIN', async (client) => {
    for (const statement of appendOnlyRoleSql(role, options)) await client.query(statement);
  });
