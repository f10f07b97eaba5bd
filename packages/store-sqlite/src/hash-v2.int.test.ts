import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chainVerifier, GENESIS_HASH, ledgerRegistry, type StoredEvent } from '@minsheng/core';
import { chainRow, chainRowV1, encodeEvent, NO_STREAM, type StoredRow } from '@minsheng/event-store';
import { makeTestEvent, makeTestEvents, ok } from '@minsheng/event-store/testing';
import { freshLedgerFile } from './contract-harness';
import { migrate } from './schema';
import { createSqliteEventStore } from './store';

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => createSqliteEventStore({ file, registry: ledgerRegistry });
const STORED_AT = '2024-07-01T01:30:00.000Z';

const verify = (log: readonly StoredEvent[]) => {
  const v = chainVerifier();
  for (const e of log) {
    const r = v.check(e);
    if (r._tag === 'ChainBroken') return r;
  }
  return { _tag: 'ChainOk', count: v.count };
};

const insertV1 = (db: Database.Database, row: StoredRow) =>
  db
    .prepare(`INSERT INTO events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(row.position, row.eventId, row.stream, row.revision, row.type, row.schemaVersion, row.data, row.metadata, row.prevHash, row.hash, row.storedAt);

const insert = (db: Database.Database, row: StoredRow) =>
  db
    .prepare(`INSERT INTO events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(row.position, row.eventId, row.stream, row.revision, row.type, row.schemaVersion, row.data, row.metadata, row.prevHash, row.hash, row.storedAt, row.hashVersion);

/** A file as schema version 1 wrote it: three events hashed without position and stored_at. */
const v1File = () => {
  const db = new Database(file);
  migrate(db, () => STORED_AT, 1);
  let prev = GENESIS_HASH;
  makeTestEvents(3).forEach((e, i) => {
    const row = chainRowV1(prev, i + 1, 'progress-7-daoli', i, encodeEvent(e), STORED_AT);
    insertV1(db, row);
    prev = row.hash;
  });
  db.close();
};

describe('hash v2 on a file written before it', () => {
  it('reads and verifies it read-only, unmigrated (an auditor’s evidence copy), and refuses to append to it', async () => {
    v1File();
    const store = createSqliteEventStore({ file, registry: ledgerRegistry, readOnly: true });
    const log = await ok(store.readAll({ raw: true }));
    expect(log.map((e) => e.hashVersion)).toEqual([1, 1, 1]);
    expect(verify(log)).toEqual({ _tag: 'ChainOk', count: 3 });
    expect((await store.append('progress-7-daoli', makeTestEvents(1), 2)())._tag).toBe('Left');
    await store.close();
    const db = new Database(file, { readonly: true });
    expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(1);
    db.close();
  });

  it('keeps old rows at version 1, writes new ones at version 2, and the whole log verifies', async () => {
    v1File();
    const store = open();
    await ok(store.append('progress-7-daoli', makeTestEvents(2), 2));
    const log = await ok(store.readAll({ raw: true }));
    expect(log.map((e) => e.hashVersion)).toEqual([1, 1, 1, 2, 2]);
    expect(log[0]!.storedAt).toBe(STORED_AT);
    expect(verify(log)).toEqual({ _tag: 'ChainOk', count: 5 });
    await store.close();
  });
});

describe('the insert trigger, version 2', () => {
  /** A file with three events and the row the store would write next. */
  const seeded = async () => {
    const store = open();
    await ok(store.append('progress-7-daoli', makeTestEvents(3), NO_STREAM));
    const head = (await ok(store.readAll({ fromPosition: 2, raw: true })))[0]!;
    await store.close();
    const next = chainRow(head.hash, 4, 'progress-7-daoli', 3, encodeEvent(makeTestEvent()), new Date().toISOString());
    return { head, next };
  };

  const refused = async (forge: (next: StoredRow, head: StoredEvent) => StoredRow) => {
    const { head, next } = await seeded();
    const db = new Database(file);
    expect(() => insert(db, forge(next, head))).toThrow(/append-only: an insert must add the next event, linked to the last one/);
    db.close();
    const store = open();
    expect((await ok(store.readAll({ raw: true }))).map((e) => e.position)).toEqual([1, 2, 3]);
    await store.close();
  };

  it('refuses a row at the head whose prev_hash is not the head’s hash', () => refused((next) => ({ ...next, prevHash: 'f'.repeat(64) })));

  it('refuses a row past the head, leaving a gap', () => refused((next) => ({ ...next, position: 5 })));

  it('refuses a row that goes back to hash version 1', () => refused((next) => ({ ...next, hashVersion: 1 })));

  it('refuses a first row that does not link to the genesis hash', async () => {
    const db = new Database(file);
    migrate(db, () => STORED_AT);
    const row = chainRow('a'.repeat(64), 1, 'progress-7-daoli', 0, encodeEvent(makeTestEvent()), STORED_AT);
    expect(() => insert(db, row)).toThrow(/append-only/);
    expect(() => insert(db, { ...row, prevHash: GENESIS_HASH, position: 2 })).toThrow(/append-only/);
    db.close();
  });

  it('lets through a row chained exactly as the store chains it (its hash is for readers to check)', async () => {
    const { next } = await seeded();
    const db = new Database(file);
    insert(db, next);
    db.close();
    const store = open();
    expect(verify(await ok(store.readAll({ raw: true })))).toEqual({ _tag: 'ChainOk', count: 4 });
    await store.close();
  });
});
