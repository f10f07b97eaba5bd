import type { Database, Statement } from 'better-sqlite3';
import type { NodeKey } from '@minsheng/event-store';
import { nodeHash, type Hash } from '@minsheng/verify';
import { LEAF_COLUMN_SCHEMA, MISSING_NODE, NODE_COLUMN_SCHEMA, nodePosition, STORED_FROM_LEVEL } from './schema';

/*
 * The Merkle tree as a file keeps it. Since schema 5 a leaf is the `leaf` column of its event's
 * row and each node from STORED_FROM_LEVEL up is a slot of the `nodes` column of the row whose
 * leaf completed it; a node below that level is hashed again from the leaves of its block (at
 * most 2^STORED_FROM_LEVEL of them, read by position). A schema 4 file (opened read-only) keeps
 * those nodes in merkle_nodes, a schema 3 file every level, leaves included.
 */

/** What a file's layout gives for the tree: nodes by key, and how many leaves it holds. */
export interface SqliteTree {
  /** The nodes at these keys, in order (undefined where the file has none). */
  readonly nodes: (keys: readonly NodeKey[]) => Array<Hash | undefined>;
  /** One node, or undefined (the right edge's read when a transaction starts). */
  readonly node: (level: number, index: number) => Hash | undefined;
  readonly leafCount: () => number;
}

/** Reads of the nodes a file stores: one by key, and many at once (each answered with the key's place in the list). */
interface StoredNodes {
  readonly node: (level: number, index: number) => Hash | undefined;
  readonly nodesAt: (keys: ReadonlyArray<readonly [number, number]>) => Array<[number, Hash | null]>;
}

const tableReads = (db: Database): StoredNodes => {
  const node = db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?').pluck(true) as Statement<[number, number], Buffer>;
  // Every stored node a proof needs in one statement (a JSON array of [level, idx]), each found by
  // the primary key: one statement a node cost p50 205-275 µs an inclusion proof at 1M events,
  // this 129-180 µs. Rows say which key they answer (no ORDER BY: it would sort in a temp B-tree).
  const nodesAt = db
    .prepare(`SELECT j.key, m.hash FROM json_each(?) j LEFT JOIN merkle_nodes m ON m.level = j.value ->> 0 AND m.idx = j.value ->> 1`)
    .raw(true) as Statement<[string], [number, Buffer | null]>;
  return { node: (level, index) => node.get(level, index), nodesAt: (keys) => nodesAt.all(JSON.stringify(keys)) };
};

/** A slot read from events.nodes: 32 bytes, not the zeros of a node schema 5 found missing. */
const slot = (hash: Buffer | null | undefined): Hash | null => (hash && hash.length === 32 && !hash.equals(MISSING_NODE) ? hash : null);

/** Schema 5: node (level, index) is slot level - 1 of the row at nodePosition(level, index). */
const rowReads = (db: Database): StoredNodes => {
  const node = db.prepare('SELECT substr(nodes, ?, 32) FROM events WHERE position = ?').pluck(true) as Statement<[number, number], Buffer | null>;
  // As tableReads: one statement a proof, each row found by the primary key ([level, position] pairs).
  const nodesAt = db
    .prepare(`SELECT j.key, substr(e.nodes, ((j.value ->> 0) - 1) * 32 + 1, 32) FROM json_each(?) j LEFT JOIN events e ON e.position = j.value ->> 1`)
    .raw(true) as Statement<[string], [number, Buffer | null]>;
  return {
    node: (level, index) => slot(node.get((level - 1) * 32 + 1, nodePosition(level, index))) ?? undefined,
    nodesAt: (keys) =>
      nodesAt.all(JSON.stringify(keys.map(([level, index]) => [level, nodePosition(level, index)]))).map(([i, hash]) => [i, slot(hash)]),
  };
};

/** A schema 3 file: every node, leaves included, in merkle_nodes. */
const nodeTableTree = (db: Database): SqliteTree => {
  const q = tableReads(db);
  // max, not count: an index seek, however long the log.
  const leafCount = db.prepare('SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0').pluck(true) as Statement<[], number>;
  const nodes = (keys: readonly NodeKey[]): Array<Hash | undefined> => {
    const found: Array<Hash | undefined> = new Array(keys.length).fill(undefined);
    if (keys.length === 0) return found;
    for (const [i, hash] of q.nodesAt(keys.map((k) => [k.level, k.index]))) if (hash) found[i] = hash;
    return found;
  };
  return { nodes, node: q.node, leafCount: () => leafCount.get()! };
};

/** Schema 4 on: leaves in the events row, nodes from STORED_FROM_LEVEL up as `q` reads them. */
const leafColumnTree = (db: Database, q: StoredNodes): SqliteTree => {
  // The leaves of a run of positions, one range scan of the rowid (a block below STORED_FROM_LEVEL).
  const leafRange = db.prepare('SELECT position, leaf FROM events WHERE position > ? AND position <= ?').raw(true) as Statement<
    [number, number],
    [number, Buffer | null]
  >;
  // The size the last append left the tree at (not the log's head: a row slipped in by hand or
  // rows cut from the head must not change it). max of the rowid: one seek.
  const lastSize = db.prepare('SELECT coalesce(max(size), 0) FROM merkle_sizes').pluck(true) as Statement<[], number>;

  /** The leaves of blocks [from, to) of leaf indexes, by index. */
  const readLeaves = (from: number, to: number, into: Map<number, Hash>): void => {
    for (const [position, leaf] of leafRange.all(from, to)) if (leaf) into.set(position - 1, leaf);
  };
  /** The node at (level, index) below STORED_FROM_LEVEL, from leaves already read. */
  const hashUp = (leaves: Map<number, Hash>, level: number, index: number): Hash | undefined => {
    if (level === 0) return leaves.get(index);
    const left = hashUp(leaves, level - 1, index * 2);
    const right = left && hashUp(leaves, level - 1, index * 2 + 1);
    return right && nodeHash(left!, right);
  };

  const nodes = (keys: readonly NodeKey[]): Array<Hash | undefined> => {
    const found: Array<Hash | undefined> = new Array(keys.length).fill(undefined);
    const stored: Array<[number, number]> = [];
    const storedAt: number[] = [];
    // The low keys of a proof fall in one or two blocks; each block is read once.
    const blocks = new Map<number, { from: number; to: number }>();
    const low: number[] = [];
    keys.forEach((k, i) => {
      if (k.level >= STORED_FROM_LEVEL) {
        stored.push([k.level, k.index]);
        storedAt.push(i);
        return;
      }
      const from = k.index * 2 ** k.level;
      const to = from + 2 ** k.level;
      const run = blocks.get(Math.floor(from / 2 ** STORED_FROM_LEVEL));
      if (run) {
        run.from = Math.min(run.from, from);
        run.to = Math.max(run.to, to);
      } else blocks.set(Math.floor(from / 2 ** STORED_FROM_LEVEL), { from, to });
      low.push(i);
    });
    if (stored.length) for (const [j, hash] of q.nodesAt(stored)) if (hash) found[storedAt[j]!] = hash;
    if (low.length) {
      const leaves = new Map<number, Hash>();
      // Adjacent blocks in one scan: a check of every leaf (verify --checkpoint) is one statement.
      const runs = [...blocks.values()].sort((a, b) => a.from - b.from);
      for (let r = 0; r < runs.length; ) {
        let to = runs[r]!.to;
        let next = r + 1;
        for (; next < runs.length && runs[next]!.from <= to; next++) to = Math.max(to, runs[next]!.to);
        readLeaves(runs[r]!.from, to, leaves);
        r = next;
      }
      for (const i of low) found[i] = hashUp(leaves, keys[i]!.level, keys[i]!.index);
    }
    return found;
  };

  const node = (level: number, index: number): Hash | undefined => {
    if (level >= STORED_FROM_LEVEL) return q.node(level, index);
    const leaves = new Map<number, Hash>();
    readLeaves(index * 2 ** level, (index + 1) * 2 ** level, leaves);
    return hashUp(leaves, level, index);
  };

  return { nodes, node, leafCount: () => lastSize.get()! };
};

/** The tree reads of a file at this schema version (none before schema 3: the tree is computed on read). */
export const sqliteTree = (db: Database, schema: number): SqliteTree =>
  schema >= NODE_COLUMN_SCHEMA ? leafColumnTree(db, rowReads(db)) : schema >= LEAF_COLUMN_SCHEMA ? leafColumnTree(db, tableReads(db)) : nodeTableTree(db);
