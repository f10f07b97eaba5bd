import { Client } from 'pg';
import { join } from 'node:path';
import type { LedgerUnderTest } from './flows';
import { tamperedData } from './flows';
import { openSqlite, tempDir } from './run-cli';

/** A SQLite ledger: one file in a temporary folder. */
export const sqliteLedger = (): LedgerUnderTest & { file(): string } => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'ledger.db');
  let n = 0;
  return {
    name: 'SQLite',
    // v3 adds the Merkle tree's node table; v4 keeps each leaf in its event's row, v5 its nodes too.
    schemaVersion: 5,
    file: () => file,
    setup: async () => undefined,
    args: () => ['--db', file],
    fresh: async () => {
      const f = join(tmp.dir, `new-${++n}.db`);
      return { args: ['--db', f], env: { MINSHENG_DB: f }, where: f };
    },
    missing: async () => ({ args: ['--db', join(tmp.dir, 'nope.db')], refusal: /no ledger at .*nope\.db; create one with `minsheng init`/ }),
    tamper: async () => {
      const sqlite = openSqlite(file);
      const victim = sqlite
        .prepare(`SELECT position, event_id, data FROM events WHERE type = 'ProgressReported' ORDER BY position LIMIT 1 OFFSET 1`)
        .get() as { position: number; event_id: string; data: string };
      // The events table refuses UPDATE by trigger; tampering outside the library drops it first.
      sqlite.exec('DROP TRIGGER events_no_update');
      sqlite.prepare('UPDATE events SET data = ? WHERE position = ?').run(tamperedData(victim.data), victim.position);
      sqlite.close();
      return { position: victim.position, eventId: victim.event_id };
    },
    teardown: async () => tmp.remove(),
  };
};

/** The handle `usePostgres()` from @minsheng/store-postgres/testing returns. */
export interface PostgresHandle {
  databaseUrl(): string;
  server(): { createDatabase(prefix?: string): Promise<string> };
}

/** A connection string as the CLI prints it: without the password. */
export const shownUrl = (url: string): string => {
  const u = new URL(url);
  u.password = '';
  return u.toString();
};

export const withClient = async <T>(url: string, f: (c: Client) => Promise<T>): Promise<T> => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
};

/** A PostgreSQL ledger: this test file's database (event store in schema minsheng, read model in minsheng_rm). */
export const postgresLedger = (pg: PostgresHandle): LedgerUnderTest => ({
  name: 'PostgreSQL',
  schemaVersion: 5,
  setup: async () => undefined,
  args: () => ['--database-url', pg.databaseUrl()],
  fresh: async () => {
    const url = await pg.server().createDatabase('minsheng_fresh');
    return { args: ['--database-url', url], env: { DATABASE_URL: url }, where: shownUrl(url) };
  },
  missing: async () => {
    const url = await pg.server().createDatabase('minsheng_empty');
    return { args: ['--database-url', url], refusal: /^minsheng: no ledger in schema minsheng at postgres:\/\/[^ ]*; create one with `minsheng init`/ };
  },
  tamper: () =>
    withClient(pg.databaseUrl(), async (c) => {
      const victim = (
        await c.query<{ position: string; event_id: string; data: string }>(
          `SELECT position, event_id, data FROM minsheng.events WHERE type = 'ProgressReported' ORDER BY position LIMIT 1 OFFSET 1`,
        )
      ).rows[0]!;
      // The events table refuses UPDATE by trigger; tampering outside the library disables it first.
      await c.query('BEGIN');
      await c.query('ALTER TABLE minsheng.events DISABLE TRIGGER events_append_only');
      await c.query('UPDATE minsheng.events SET data = $1 WHERE position = $2', [tamperedData(victim.data), victim.position]);
      await c.query('ALTER TABLE minsheng.events ENABLE TRIGGER events_append_only');
      await c.query('COMMIT');
      return { position: Number(victim.position), eventId: victim.event_id };
    }),
  teardown: async () => undefined,
});
