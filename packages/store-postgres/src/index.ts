export { createPostgresEventStore, type PostgresEventStoreOptions } from './store';
export { migrate, schemaVersion, appliedMigrations, LATEST_SCHEMA_VERSION, PostgresSchemaError, type MigrationReport } from './migrations';
export { appendOnlyRoleSql, grantAppendOnly } from './roles';
export { DEFAULT_SCHEMA } from './names';
