export { createPostgresEventStore, type PostgresEventStoreOptions } from './store';
export { migrate, schemaVersion, appliedMigrations, LATEST_SCHEMA_VERSION, PostgresSchemaError, type MigrationProgress, type MigrationReport } from './migrations';
export { appendOnlyRoleSql, eventStoreGrants, grantAppendOnly, LEDGER_ROLES, type LedgerRole } from './roles';
export { DEFAULT_SCHEMA } from './names';
export { ledgerSessionOptions, LEDGER_SESSION_OPTIONS } from './session';
