import { ledgerRegistry } from '@minsheng/core';
import { checkLogAgainst, NO_STREAM, storedTreeView, treeOfEvents, type EventStore } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { verifyConsistency, verifyInclusion } from '@minsheng/verify';
import { Pool } from 'pg';
import { migrate } from './migrations';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

/*
 * The Merkle tree PostgreSQL keeps since schema 5 (merkle-tree.ts): leaves and nodes in the
 * event rows, merkle_sizes beside them. What it must equal is the tree an auditor computes from
 * the log (treeOfEvents, @minsheng/verify's code).
 */

const pg = usePostgres();
let pool: Pool;
let stores: EventStore[] = [];

const open = async (schema: string): Promise<EventStore> => {
  const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema });
  stores.push(store);
  return store;
};

/** As the table's owner, with the append-only triggers set aside (an attacker with the owner's rights). */
const asOwner = async (schema: string, text: string): Promise<void> => {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`ALTER TABLE ${schema}.events DISABLE TRIGGER USER`);
    await c.query(text);
    await c.query(`ALTER TABLE ${schema}.events ENABLE TRIGGER USER`);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
};

/** 5,150 events in singles and batches of every size up to 100: more than a page of the migration's backfill. */
const fill = async (store: EventStore): Promise<void> => {
  for (let i = 0; i < 50; i++) await ok(store.append(`progress-s${i}`, makeTestEvents(1), NO_STREAM));
  for (let i = 0, n = 0; n < 5100; i++) {
    const size = Math.min(5100 - n, (i * 37) % 100 + 1);
    await ok(store.appendBatches([{ stream: `progress-b${i}`, events: makeTestEvents(size), expected: NO_STREAM }]));
    n += size;
  }
};

const columns = async (schema: string) =>
  (await pool.query<{ position: string; leaf: Buffer | null; nodes: Buffer | null }>(`SELECT position, leaf, nodes FROM ${schema}.events ORDER BY position`)).rows.map(
    (r) => `${r.position} ${r.leaf?.toString('hex') ?? '-'} ${r.nodes?.toString('hex') ?? '-'}`,
  );

describe('the Merkle tree in PostgreSQL (schema 5)', () => {
  beforeAll(() => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 6 });
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  afterAll(() => pool.end());

  it('keeps the tree an auditor computes: every root, inclusion and consistency proof at 5,150 events', async () => {
    const store = await open('tree_kept');
    await fill(store);
    const log = await ok(store.readAll({ raw: true }));
    const computed = treeOfEvents(log);
    const kept = storedTreeView(store.tree!, await store.tree!.leafCount());
    expect(kept.size).toBe(5150);
    for (let n = 1; n <= 5150; n += 13) expect((await kept.root(n)).equals(computed.root(n))).toBe(true);
    for (let m = 0; m < 5150; m += 97) {
      const path = await kept.inclusion(m);
      expect(path.map((h) => h.toString('hex'))).toEqual(computed.inclusion(m).map((h) => h.toString('hex')));
      expect(verifyInclusion(m, 5150, computed.node(0, m), path, computed.root())).toBe(true);
    }
    for (let m = 1; m <= 5150; m += 101) expect(verifyConsistency(m, 5150, computed.root(m), computed.root(), await kept.consistency(m))).toBe(true);
    // More keys than a statement asks for (10,000): the reads are paged, answers in the order asked.
    const keys = Array.from({ length: 12_000 }, (_, i) => ({ level: 0, index: (i * 7) % 5150 }));
    const leaves = await store.tree!.nodes(keys);
    expect(leaves.every((l, i) => l!.equals(computed.node(0, keys[i]!.index)))).toBe(true);
    // A node past the tree is not there.
    expect(await store.tree!.nodes([{ level: 0, index: 5150 }, { level: 3, index: 700 }])).toEqual([undefined, undefined]);
  });

  it('migration 5 gives a schema 4 log exactly the columns the store writes, then appends grow the same tree', async () => {
    const source = await open('tree_source');
    await fill(source);
    await migrate(pool, { schema: 'tree_old', target: 4 });
    await pool.query(`INSERT INTO tree_old.events (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
      SELECT position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version FROM tree_source.events ORDER BY position`);
    await pool.query(`INSERT INTO tree_old.streams SELECT * FROM tree_source.streams`);
    const report = await migrate(pool, { schema: 'tree_old' });
    expect(report).toMatchObject({ from: 4, to: 5, applied: [{ version: 5 }] });
    expect(await columns('tree_old')).toEqual(await columns('tree_source'));
    expect((await pool.query('SELECT max(size) AS size FROM tree_old.merkle_sizes')).rows[0].size).toBe('5150');
    // The append-only trigger set aside for the backfill is back.
    await expect(pool.query('UPDATE tree_old.events SET leaf = NULL WHERE position = 1')).rejects.toThrow(/events are append-only: UPDATE/);

    const migrated = await open('tree_old');
    for (const store of [source, migrated]) {
      await ok(store.append('progress-after', makeTestEvents(3), NO_STREAM));
      await ok(store.append('progress-after', makeTestEvents(1), 2));
    }
    const log = await ok(migrated.readAll({ raw: true }));
    const kept = storedTreeView(migrated.tree!, await migrated.tree!.leafCount());
    expect(kept.size).toBe(5154);
    expect((await kept.root()).equals(treeOfEvents(log).root())).toBe(true);
    expect(await checkLogAgainst(migrated, null)).not.toHaveProperty('reason');
  });

  it('migration 5 lets the roles that could append events record the tree size, and those that could read them read it', async () => {
    await migrate(pool, { schema: 'tree_roles', target: 4 });
    for (const r of ['tree_roles_writer', 'tree_roles_reader']) await pool.query(`DROP ROLE IF EXISTS ${r}; CREATE ROLE ${r} NOLOGIN`);
    await pool.query(`GRANT USAGE ON SCHEMA tree_roles TO tree_roles_writer, tree_roles_reader;
      GRANT SELECT, INSERT ON tree_roles.events TO tree_roles_writer; GRANT SELECT ON tree_roles.events TO tree_roles_reader`);
    await migrate(pool, { schema: 'tree_roles' });
    const may = async (role: string, privilege: string) =>
      (await pool.query<{ ok: boolean }>(`SELECT has_table_privilege($1, 'tree_roles.merkle_sizes', $2) AS ok`, [role, privilege])).rows[0]!.ok;
    expect([await may('tree_roles_writer', 'INSERT'), await may('tree_roles_writer', 'SELECT'), await may('tree_roles_reader', 'SELECT')]).toEqual([true, true, true]);
    expect([await may('tree_roles_reader', 'INSERT'), await may('tree_roles_writer', 'DELETE')]).toEqual([false, false]);
  });

  it('migrates an empty schema 4 ledger to a tree of size 0', async () => {
    await migrate(pool, { schema: 'tree_empty', target: 4 });
    await migrate(pool, { schema: 'tree_empty' });
    const store = await open('tree_empty');
    expect(await store.tree!.leafCount()).toBe(0);
    await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
    expect(await store.tree!.leafCount()).toBe(2);
  });

  it('refuses to append onto a log cut at its head: the tree still covers the deleted events', async () => {
    const store = await open('tree_cut');
    await ok(store.append('progress-a', makeTestEvents(5), NO_STREAM));
    await asOwner('tree_cut', 'DELETE FROM tree_cut.events WHERE position > 3');
    // A fresh store (another process) and this one, whose fast path knew the old head.
    for (const s of [store, await open('tree_cut')]) {
      const refused = await s.append('progress-b', makeTestEvents(1), NO_STREAM)();
      expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 3, reason: 'the Merkle tree covers 5 events but the log holds 3' } });
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM tree_cut.events')).rows[0].n).toBe(3);
  });

  it('refuses to append after a row slipped in by hand, which the tree never recorded; verify names it', async () => {
    // Three events chained by the store elsewhere; here the first two as the store wrote them
    // (leaves, nodes, the tree's size), then the third slipped in by hand: its chain hash is
    // right, so the insert trigger and a checked read let it through, and it has no leaf.
    const source = await open('tree_slipped_source');
    await ok(source.append('progress-a', makeTestEvents(3), NO_STREAM));
    const store = await open('tree_slipped');
    const all = 'position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version';
    await pool.query(`INSERT INTO tree_slipped.events (${all}, leaf, nodes) SELECT ${all}, leaf, nodes FROM tree_slipped_source.events WHERE position <= 2`);
    await pool.query(`INSERT INTO tree_slipped.merkle_sizes VALUES (2)`);
    await pool.query(`INSERT INTO tree_slipped.events (${all}) SELECT ${all} FROM tree_slipped_source.events WHERE position = 3`);
    expect(await ok(store.readAll())).toHaveLength(3);
    const refused = await (await open('tree_slipped')).append('progress-b', makeTestEvents(1), NO_STREAM)();
    expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', reason: 'the Merkle tree covers 2 events but the log holds 3' } });
    expect(await store.tree!.nodes([{ level: 0, index: 2 }])).toEqual([undefined]);
    expect(await checkLogAgainst(store, null)).toMatchObject({ position: 3, reason: 'the Merkle tree never recorded it: it was not appended by the ledger' });
  });

  it('refuses to append when a node of the right edge is gone from its row, naming the level and the row', async () => {
    const store = await open('tree_edge');
    await ok(store.append('progress-a', makeTestEvents(6), NO_STREAM));
    // Six leaves: the edge is node (2, 0) in row 4 and node (1, 2) in row 6.
    await asOwner('tree_edge', 'UPDATE tree_edge.events SET nodes = NULL WHERE position = 4');
    const refused = await (await open('tree_edge')).append('progress-b', makeTestEvents(1), NO_STREAM)();
    expect(refused).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'BrokenChain', position: 4, reason: "the Merkle tree's node at level 2 is missing from the row at position 4" },
    });
  });

  it('checkLogAgainst names an event rewritten with its chain recomputed: its leaf is not the one recorded', async () => {
    const store = await open('tree_rewritten');
    await ok(store.append('progress-a', makeTestEvents(4), NO_STREAM));
    const before = (await ok(store.readAll({ raw: true })))[1]!;
    // Change event 2's data and nothing else: the chain hash then fails first; recomputing the chain is the SQLite tamper suite's work.
    await asOwner('tree_rewritten', `UPDATE tree_rewritten.events SET leaf = decode(repeat('ab', 32), 'hex') WHERE position = 2`);
    const fault = await checkLogAgainst(store, null);
    expect(fault).toMatchObject({ position: 2, eventId: before.eventId, reason: 'it differs from the event the Merkle tree recorded when it was appended' });
  });
});
