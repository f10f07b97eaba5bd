export { createSqliteEventStore, type SqliteEventStoreOptions } from './store';
export { type Synchronous } from './connection';
export { LATEST_SCHEMA_VERSION, SqliteSchemaError } from './schema';
export { sqliteStoreOpener, openEventStore as openSqliteEventStore, type SqliteOpenerArgs } from './opener';
