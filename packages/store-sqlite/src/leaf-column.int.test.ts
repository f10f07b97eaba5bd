import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { GENESIS_HASH, ledgerRegistry } from '@minsheng/core';
import { chainRow, checkLogAgainst, encodeEvent, logTreeView, NO_STREAM, rowLeaf, treeOfEvents, type EventStore, type StoredRow } from '@minsheng/event-store';
import { makeTestEvent, ok } from '@minsheng/event-store/testing';
import { nodesCompletedBy, type Hash } from '@minsheng/verify';
import { freshLedgerFile } from './contract-harness';
import { LATEST_SCHEMA_VERSION, migrate, nodeColumns } from './schema';
import { createSqliteEventStore } from './store';

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const STORED_AT = '2024-07-01T01:30:00.000Z';
const EVENTS = 37; // two full blocks of 16 leaves and part of a third

/** EVENTS reports over five streams, made once: the test's files are built from the same events. */
const EVENT_LIST = Array.from({ length: EVENTS }, (_, i) => makeTestEvent({ value: String(i) }));

/** The rows of EVENT_LIST, chained; `changed` gets another figure (and every later row its new links). */
const chainedRows = (changed?: number): StoredRow[] => {
  const revisions = new Map<string, number>();
  let prev = GENESIS_HASH;
  return EVENT_LIST.map((event, i) => {
    const stream = `progress-${i % 5}`;
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const e = i === changed ? { ...event, data: { ...event.data, figure: { ...event.data.figure, value: '9999' } } } : event;
    const row = chainRow(prev, i + 1, stream, revision, encodeEvent(e), STORED_AT);
    prev = row.hash;
    return row;
  });
};

/**
 * A file as schema 3 wrote it (the release before leaves moved into the events row): every
 * node, leaves included, in merkle_nodes; the tree hashed from `treeRows` (the rows as appended).
 */
const schema3File = (rows: readonly StoredRow[], treeRows: readonly StoredRow[] = rows): void => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(db, () => STORED_AT, 3);
  const insert = db.prepare(`INSERT INTO events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertNode = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const edge: Hash[] = [];
  db.transaction(() => {
    rows.forEach((r, i) => {
      insert.run(r.position, r.eventId, r.stream, r.revision, r.type, r.schemaVersion, r.data, r.metadata, r.prevHash, r.hash, r.storedAt, r.hashVersion);
      for (const n of nodesCompletedBy(i, rowLeaf(treeRows[i]!), (level) => edge[level]!)) {
        insertNode.run(n.level, n.index, n.hash);
        edge[n.level] = n.hash;
      }
    });
  })();
  db.close();
};

/** [position, the nodes column in upper-case hex or null] of each row, as schema 5 keeps them for these rows. */
const expectedNodes = (rows: readonly StoredRow[]): Array<[number, string | null]> => {
  const nodesOf = nodeColumns();
  return rows.map((r, i) => [r.position, nodesOf(i, rowLeaf(r))?.toString('hex').toUpperCase() ?? null]);
};

/** A file as schema 4 wrote it: leaves in the events row, nodes from level 1 up in merkle_nodes. */
const schema4File = (rows: readonly StoredRow[]): void => {
  schema3File(rows);
  const db = new Database(file);
  migrate(db, () => STORED_AT, 4);
  db.close();
};

/** Everything `prove`, `verify --checkpoint` and `export --events` answer from a store, as text. */
const answers = async (store: EventStore) => {
  const tree = await logTreeView(store);
  const hex = (hs: readonly Hash[]) => hs.map((h) => h.toString('hex')).join(',');
  const roots: string[] = [];
  const inclusions: string[] = [];
  const consistencies: string[] = [];
  for (let n = 1; n <= tree.size; n++) {
    roots.push((await tree.root(n)).toString('hex'));
    consistencies.push(hex(await tree.consistency(n)));
    for (let m = 0; m < n; m++) inclusions.push(hex(await tree.inclusion(m, n)));
  }
  const checkpoint = { origin: 'leaf-column', size: 30, root: await tree.root(30), time: '2025-01-05T02:00:00.000Z' };
  const checked = await checkLogAgainst(store, checkpoint);
  const verified = 'reason' in checked ? checked : { root: checked.tree.root().toString('hex'), head: checked.headHash };
  const exported = JSON.stringify(await ok(store.readAll({ raw: true })));
  return { size: tree.size, roots, inclusions, consistencies, verified, exported };
};

const readOnly = () => createSqliteEventStore({ file, registry: ledgerRegistry, readOnly: true });
const readWrite = () => createSqliteEventStore({ file, registry: ledgerRegistry });

/** The answers of the file as it is, read in its own layout (read-only: not migrated). */
const answersReadOnly = async () => {
  const old = readOnly();
  try {
    return await answers(old);
  } finally {
    await old.close();
  }
};

describe('a schema 3 file (every Merkle node a row) opened by this release', () => {
  it('is migrated on open, and proves, verifies and exports byte for byte as before', async () => {
    schema3File(chainedRows());
    const before = await answersReadOnly();
    expect(before.size).toBe(EVENTS);
    expect(before.verified).not.toHaveProperty('reason');

    const store = readWrite();
    const after = await answers(store);
    expect(after).toEqual(before);

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'merkle_nodes'`).pluck().get()).toBe(0);
    // Each row holds the nodes its leaf completed, levels 1 up (every complete subtree of 37 leaves once), odd rows none.
    expect(db.prepare('SELECT position, iif(nodes IS NULL, NULL, hex(nodes)) FROM events ORDER BY position').raw().all()).toEqual(expectedNodes(chainedRows()));
    const leaves = db.prepare('SELECT leaf FROM events ORDER BY position').pluck().all() as Buffer[];
    expect(leaves.map((l) => l.toString('hex'))).toEqual(chainedRows().map((r) => rowLeaf(r).toString('hex')));
    db.close();

    // It goes on growing the same tree, across the block the old file ended in.
    for (let i = 0; i < 30; i++) await ok(store.append(`progress-new-${i}`, [makeTestEvent({ value: String(i) })], NO_STREAM));
    const log = await ok(store.readAll({ raw: true }));
    const grown = await logTreeView(store);
    expect(grown.size).toBe(EVENTS + 30);
    const computed = treeOfEvents(log);
    for (let n = 1; n <= grown.size; n++) expect((await grown.root(n)).toString('hex')).toBe(computed.root(n).toString('hex'));
    expect(await checkLogAgainst(store, null)).not.toHaveProperty('reason');
    await store.close();
  });

  it('keeps the leaf recorded at append: an event rewritten before the migration is still named', async () => {
    // Event 9 rewritten and every later hash recomputed; the node table still holds the leaves as appended.
    schema3File(chainedRows(8), chainedRows());
    const store = readWrite();
    const r = await checkLogAgainst(store, null);
    expect(r).toMatchObject({ position: 9, reason: 'it differs from the event the Merkle tree recorded when it was appended' });
    await store.close();
  });

  it('keeps a row slipped in without a leaf leafless, and appends nothing after it', async () => {
    const rows = chainedRows();
    schema3File(rows.slice(0, EVENTS - 1));
    const db = new Database(file);
    const r = rows[EVENTS - 1]!;
    db.prepare(`INSERT INTO events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.position, r.eventId, r.stream, r.revision, r.type, r.schemaVersion, r.data, r.metadata, r.prevHash, r.hash, r.storedAt, r.hashVersion);
    db.close();
    const store = readWrite();
    expect(await store.tree!.leafCount()).toBe(EVENTS - 1);
    const refused = await store.append('progress-new', [makeTestEvent({ value: '1' })], NO_STREAM)();
    expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: EVENTS } });
    expect(await checkLogAgainst(store, null)).toMatchObject({ position: EVENTS, reason: 'the Merkle tree never recorded it: it was not appended by the ledger' });
    await store.close();
  });
});

describe('a schema 4 file (nodes in merkle_nodes) opened by this release', () => {
  it('moves each node into the row of the leaf that completed it, and answers byte for byte as before', async () => {
    schema4File(chainedRows());
    const before = await answersReadOnly();
    expect(before.size).toBe(EVENTS);

    const store = readWrite();
    expect(await answers(store)).toEqual(before);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT position, iif(nodes IS NULL, NULL, hex(nodes)) FROM events ORDER BY position').raw().all()).toEqual(expectedNodes(chainedRows()));
    db.close();
    // Appends write their nodes into their own rows: the file's rows stay those a store of schema 5 writes from the start.
    for (let i = 0; i < 30; i++) await ok(store.append(`progress-new-${i}`, [makeTestEvent({ value: String(i) })], NO_STREAM));
    const grown = await ok(store.readAll({ raw: true }));
    const computed = treeOfEvents(grown);
    const view = await logTreeView(store);
    for (let n = 1; n <= view.size; n++) expect((await view.root(n)).toString('hex')).toBe(computed.root(n).toString('hex'));
    await store.close();
  });

  it('keeps a node the table lacked missing: the proofs that need it fail as before, the others hold', async () => {
    schema4File(chainedRows());
    const damaged = new Database(file);
    damaged.exec('DROP TRIGGER merkle_nodes_no_delete');
    damaged.prepare('DELETE FROM merkle_nodes WHERE level = 2 AND idx = 1').run();
    damaged.close();
    const old = readOnly();
    const oldView = await logTreeView(old);
    await expect(oldView.inclusion(0, EVENTS)).rejects.toThrow("the store's Merkle tree has no node at level 2, index 1");
    const holds = hexProof(await oldView.inclusion(20, EVENTS));
    await old.close();

    const store = readWrite();
    const view = await logTreeView(store);
    await expect(view.inclusion(0, EVENTS)).rejects.toThrow("the store's Merkle tree has no node at level 2, index 1");
    expect(hexProof(await view.inclusion(20, EVENTS))).toBe(holds);
    // Position 8 completed levels 1, 2 and 3: its level-2 slot is zeros, the others as appended.
    const db = new Database(file, { readonly: true });
    const row8 = db.prepare('SELECT hex(nodes) FROM events WHERE position = 8').pluck().get() as string;
    db.close();
    const expected = expectedNodes(chainedRows())[7]![1]!;
    expect(row8).toBe(expected.slice(0, 64) + '0'.repeat(64) + expected.slice(128));
    await store.close();
  });
});

const hexProof = (hs: readonly Hash[]) => hs.map((h) => h.toString('hex')).join(',');

describe('the tree size recorded at each append', () => {
  it('refuses to chain onto a log cut at its head, though the cut rows took their leaves with them', async () => {
    const store = readWrite();
    await ok(store.append('progress-a', Array.from({ length: 20 }, (_, i) => makeTestEvent({ value: String(i) })), NO_STREAM));
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_delete');
    db.prepare('DELETE FROM events WHERE position > 18').run();
    db.close();
    const refused = await store.append('progress-b', [makeTestEvent()], NO_STREAM)();
    expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 18, reason: 'the Merkle tree covers 20 events but the log holds 18' } });
    const emptied = new Database(file);
    emptied.exec('DELETE FROM events');
    emptied.close();
    expect(await store.append('progress-b', [makeTestEvent()], NO_STREAM)()).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 1 } });
    expect(await ok(store.headPosition())).toBe(0);
    await store.close();
  });
});
