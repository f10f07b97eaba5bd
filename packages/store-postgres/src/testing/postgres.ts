import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer, type EmbeddedServerOptions } from './server';

/**
 * A PostgreSQL server for tests: the one `$DATABASE_URL` points at (its role needs
 * CREATEDB), or else a throwaway embedded server. Each test file gets its own database.
 */
export interface TestPostgres {
  /** True when the server came from $DATABASE_URL. */
  readonly external: boolean;
  /** A connection string to `database` (default: the server's own) with the server's credentials. */
  url(database?: string): string;
  /** Creates a fresh, empty UTF-8 database and returns a connection string to it. Dropped by stop(). */
  createDatabase(prefix?: string): Promise<string>;
  /** Drops the databases it created and, for an embedded server, stops it and deletes its folder. */
  stop(): Promise<void>;
}

const withClient = async <T>(url: string, f: (c: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
};

/**
 * Waits (up to `ms`) for other clients to disconnect. pg resolves pool.end() once it has
 * asked its connections to close, not once they are closed; a server stopped in between
 * sends those connections a FATAL error that an unlistened pool would raise as 'error'.
 */
const quiesce = (admin: string, ms = 2000): Promise<void> =>
  withClient(admin, async (c) => {
    const deadline = Date.now() + ms;
    const others = async () =>
      Number((await c.query("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")).rows[0].n);
    while ((await others()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }).catch(() => undefined);

const urlFor = (base: string, database: string): string => {
  const u = new URL(base);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
};

export const startTestPostgres = async (options: EmbeddedServerOptions = {}): Promise<TestPostgres> => {
  const external = process.env.DATABASE_URL || undefined;
  const server: EmbeddedServer | undefined = external ? undefined : await startEmbeddedPostgres(options);
  const admin = external ?? server!.url('postgres');
  const created: string[] = [];
  return {
    external: external !== undefined,
    url: (database) => (database === undefined ? admin : urlFor(admin, database)),
    createDatabase: async (prefix = 'minsheng_test') => {
      const name = `${prefix}_${randomBytes(5).toString('hex')}`;
      // template0 with C collation: UTF-8 whatever the server's default, and byte order for text.
      await withClient(admin, (c) => c.query(`CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`));
      created.push(name);
      return urlFor(admin, name);
    },
    stop: async () => {
      if (server) {
        await quiesce(admin);
        return server.stop();
      }
      await withClient(admin, async (c) => {
        for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
      });
    },
  };
};

/**
 * For a jest test file: starts (or reaches) the server in beforeAll, creates this file's
 * database, and stops everything in afterAll. Call it first, at the top of the file, and
 * read `databaseUrl()` inside tests and hooks. jest runs afterAll hooks of one block in the
 * order they were declared, so close your own pools in an afterAll inside a describe:
 * those run before the server stops, and idle connections are not cut from under a pool.
 */
export const usePostgres = (options: EmbeddedServerOptions = {}) => {
  let pg: TestPostgres | undefined;
  let database: string | undefined;
  beforeAll(async () => {
    pg = await startTestPostgres(options);
    database = await pg.createDatabase();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  }, 60_000);
  const need = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('the test PostgreSQL server is not started (use it inside tests and hooks)');
    return x;
  };
  return {
    /** This file's own database. */
    databaseUrl: () => need(database),
    server: () => need(pg),
  };
};
