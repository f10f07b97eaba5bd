export { createSqliteEventStore, type SqliteEventStoreOptions } from './store';
export { type Synchronous } from './connection';
export { LATEST_SCHEMA_VERSION, SqliteSchemaError, schemaVersion as sqliteSchemaVersion } from './schema';
export { sqliteStoreOpener } from './opener';
