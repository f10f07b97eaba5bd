export { startEmbeddedPostgres, freePort, type EmbeddedServer, type EmbeddedServerOptions } from './server';
export { startTestPostgres, usePostgres, type TestPostgres } from './postgres';
export { postgresContract, corruptStoredEvent, type PostgresHarness } from './contract';
