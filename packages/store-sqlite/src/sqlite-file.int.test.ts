import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM } from '@minsheng/event-store';
import { fails, makeTestEvents, ok, waitFor } from '@minsheng/event-store/testing';
import { freshLedgerFile } from './contract-harness';
import { appliedMigrations, LATEST_SCHEMA_VERSION, SqliteSchemaError } from './schema';
import { createSqliteEventStore } from './store';

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (extra: object = {}) => createSqliteEventStore({ file, registry: ledgerRegistry, ...extra });
const seeded = async (count = 3) => {
  const store = open();
  await ok(store.append('progress-7-daoli', makeTestEvents(count), NO_STREAM));
  await store.close();
};

describe('schema migrations', () => {
  it('records each applied version once, however often the file is opened', async () => {
    await seeded();
    await open().close();
    const db = new Database(file, { readonly: true });
    expect(appliedMigrations(db).map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
    db.close();
  });

  it('refuses a file written by a newer schema, with a message that says what to do, and leaves it untouched', async () => {
    await seeded();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(99, 'from the future', '2030-01-01T00:00:00Z');
    db.close();

    let error: unknown;
    try {
      open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqliteSchemaError);
    expect(error).toMatchObject({ found: 99, known: LATEST_SCHEMA_VERSION });
    expect((error as Error).message).toMatch(new RegExp(`schema version 99.*knows versions up to ${LATEST_SCHEMA_VERSION}.*Upgrade minsheng`, 's'));
    const after = new Database(file, { readonly: true });
    expect((after.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(3);
    after.close();
  });
});

describe('append-only, enforced by the file itself', () => {
  const attempts: ReadonlyArray<[string, string]> = [
    ['UPDATE', `UPDATE events SET data = '{}' WHERE position = 2`],
    ['DELETE', `DELETE FROM events WHERE position = 3`],
    ['DELETE everything', `DELETE FROM events`],
    ['INSERT OR REPLACE over an event', `INSERT OR REPLACE INTO events SELECT * FROM events WHERE position = 1`],
    [
      'INSERT OR REPLACE of an event id at a new position',
      `INSERT OR REPLACE INTO events SELECT 100, event_id, stream, 50, type, schema_version, '{}', metadata, prev_hash, hash, stored_at, hash_version, leaf, nodes FROM events WHERE position = 1`,
    ],
    ['UPSERT', `INSERT INTO events SELECT * FROM events WHERE position = 1 ON CONFLICT (position) DO UPDATE SET data = '{}'`],
  ];

  it.each(attempts)('refuses a manual %s from another connection', async (_what, sql) => {
    await seeded();
    const db = new Database(file);
    expect(() => db.exec(sql)).toThrow(/append-only/);
    db.close();
    const store = open();
    const log = await ok(store.readAll({ raw: true }));
    expect(log.map((e) => e.position)).toEqual([1, 2, 3]);
    await store.close();
  });
});

describe('connection', () => {
  it('runs in WAL with synchronous FULL by default, NORMAL when asked, and a busy timeout', async () => {
    const db = new Database(file);
    const store = createSqliteEventStore({ db, registry: ledgerRegistry });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    await store.close();
    createSqliteEventStore({ db, registry: ledgerRegistry, synchronous: 'normal', busyTimeoutMs: 250 });
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(250);
    db.close();
  });

  it('leaves a connection it was given open when it closes', async () => {
    const db = new Database(file);
    const store = createSqliteEventStore({ db, registry: ledgerRegistry });
    await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
    await store.close();
    expect(db.open).toBe(true);
    expect((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(2);
    db.close();
  });

  it('reports a write lock held past the busy timeout as StoreUnavailable, writing nothing, then recovers', async () => {
    const store = open({ busyTimeoutMs: 50 });
    await ok(store.append('progress-a', makeTestEvents(1), NO_STREAM));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const e = await fails(store.append('progress-a', makeTestEvents(1), 0), 'StoreUnavailable');
    expect(e.message).toMatch(/locked|busy/i);
    other.exec('ROLLBACK');
    other.close();
    expect(await ok(store.append('progress-a', makeTestEvents(1), 0))).toMatchObject({ positions: [2] });
    await store.close();
  });
});

describe('a read-only store (a rebuild reader thread)', () => {
  it('reads what the writer appended, takes no write lock, and refuses to append, writing nothing', async () => {
    await seeded(3);
    const writer = open();
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    try {
      // Opening it and reading do not wait for the write lock another connection holds.
      const reader = open({ readOnly: true, busyTimeoutMs: 0 });
      expect((await ok(reader.readAll())).map((e) => e.position)).toEqual([1, 2, 3]);
      lock.exec('ROLLBACK');
      await ok(writer.append('progress-7-daoli', makeTestEvents(1), 2));
      expect((await ok(reader.readAll({ fromPosition: 3 }))).map((e) => e.position)).toEqual([4]);
      const refused = await fails(reader.append('progress-7-daoli', makeTestEvents(1), 3), 'StoreUnavailable');
      expect(refused.message).toMatch(/readonly database/);
      expect(await ok(writer.headPosition())).toBe(4);
      await reader.close();
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
      await writer.close();
    }
  });

  it('refuses a missing file, naming it, and a file it would have to migrate', async () => {
    expect(() => open({ readOnly: true })).toThrow(`cannot open ${file} read-only`);
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    db.close();
    expect(() => open({ readOnly: true })).toThrow(`has schema version 0, older than this build's ${LATEST_SCHEMA_VERSION}; open it read-write once`);
  });
});

describe('several stores on one file', () => {
  it('see each other’s appends: reads, revisions and subscriptions', async () => {
    const writer = open();
    const reader = open();
    const seen: number[] = [];
    const sub = reader.subscribe({ fromPosition: 0, pollIntervalMs: 5, onEvents: async (b) => void seen.push(...b.map((e) => e.position)) });
    await ok(writer.append('progress-a', makeTestEvents(3), NO_STREAM));
    await waitFor(() => seen.length === 3, 'the other store’s events');
    expect(await ok(reader.streamRevision('progress-a'))).toBe(2);
    await fails(reader.append('progress-a', makeTestEvents(1), NO_STREAM), 'ConcurrencyError');
    await ok(reader.append('progress-a', makeTestEvents(1), 2));
    expect(await ok(writer.headPosition())).toBe(4);
    await sub.stop();
    await writer.close();
    await reader.close();
  });
});

describe('reads stay flat as the log grows', () => {
  const plan = (db: Database.Database, sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');

  it('pages the log by its primary key and reads streams through their index, never a scan or a sort', async () => {
    await seeded();
    const db = new Database(file, { readonly: true });
    expect(plan(db, 'SELECT * FROM events WHERE position > 5 ORDER BY position LIMIT 100')).toMatch(/USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    const forward = plan(db, `SELECT * FROM events WHERE stream = 'a' AND revision >= 0 ORDER BY revision LIMIT 10`);
    const backward = plan(db, `SELECT * FROM events WHERE stream = 'a' AND revision <= 9 ORDER BY revision DESC LIMIT 10`);
    const revision = plan(db, `SELECT revision FROM events WHERE stream = 'a' ORDER BY revision DESC LIMIT 1`);
    for (const p of [forward, backward, revision]) {
      expect(p).toMatch(/USING (COVERING )?INDEX events_by_stream_revision/);
      expect(p).not.toMatch(/SCAN|TEMP B-TREE/);
    }
    db.close();
  });

});
