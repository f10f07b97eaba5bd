import { canonicalContent, canonicalContentV2, type StoredEvent } from '@minsheng/core';
import {
  consistencyProof,
  entryLeaf,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootHash,
  type Hash,
  type LogEntry,
  type NodeSource,
} from '@minsheng/verify';
import type { StoredRow } from './stored-row';

/*
 * The RFC 9162 Merkle tree over the log. Leaf i is H(0x00 ‖ the bytes event i+1's chain hash
 * covers: prevHash, "\n", its canonical content), so the tree commits to the same bytes as the
 * chain. Stores that keep a node table (SQLite, memory) write each leaf and the complete
 * subtrees it closes in the append's transaction; the others compute the tree on read.
 */

/** A complete subtree: 2^level leaves from leaf index × 2^level. */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

/** The node table a store keeps beside its log. */
export interface StoredTree {
  /** How many leaves the table holds (equal to the head position when it is whole). */
  readonly leafCount: () => Promise<number>;
  /** The nodes at these keys, in order (undefined where there is none). */
  readonly nodes: (keys: readonly NodeKey[]) => Promise<ReadonlyArray<Hash | undefined>>;
}

/** The bytes a stored row's hash covers; null for an unknown hash version. */
export const rowEntryText = (row: StoredRow): string | null =>
  row.hashVersion === 1
    ? `${row.prevHash}\n${canonicalContent(row.stream, row.revision, row)}`
    : row.hashVersion === 2
      ? `${row.prevHash}\n${canonicalContentV2(row.stream, row.revision, row.position, row.storedAt, row)}`
      : null;

/** The row's Merkle leaf hash (stores call it on append, from the text they write). */
export const rowLeaf = (row: StoredRow): Hash => {
  const text = rowEntryText(row);
  if (text === null) throw new TypeError(`rowLeaf: hash version ${row.hashVersion} is unknown`);
  return leafHash(text);
};

/** An event read raw, as an exported log line (what @minsheng/verify checks). */
export const logEntryOf = (e: StoredEvent): LogEntry => ({
  position: e.position,
  stream: e.stream,
  revision: e.revision,
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  metadata: e.metadata,
  storedAt: e.storedAt ?? null,
  hashVersion: e.hashVersion ?? 1,
  prevHash: e.prevHash,
  hash: e.hash,
});

/** The leaf of an event read raw, computed from its content as an auditor would. */
export const eventLeaf = (e: StoredEvent): Hash | null => entryLeaf(logEntryOf(e));

/**
 * Runs `compute` over a stored tree: first with placeholder nodes to learn which keys it reads
 * (the keys a proof needs depend only on sizes and indexes), then again with those nodes
 * fetched in one call. Throws when the table lacks a node it needs.
 */
export const withStoredNodes = async <A>(tree: StoredTree, compute: (node: NodeSource) => A): Promise<A> => {
  const keys: NodeKey[] = [];
  const seen = new Set<string>();
  const placeholder = Buffer.alloc(32);
  compute((level, index) => {
    const k = `${level}/${index}`;
    if (!seen.has(k)) {
      seen.add(k);
      keys.push({ level, index });
    }
    return placeholder;
  });
  const found = await tree.nodes(keys);
  const byKey = new Map(keys.map((k, i) => [`${k.level}/${k.index}`, found[i]]));
  return compute((level, index) => {
    const h = byKey.get(`${level}/${index}`);
    if (!h) throw new RangeError(`the store's Merkle tree has no node at level ${level}, index ${index}`);
    return h;
  });
};

/** Proofs and roots over a tree, whether stored or computed. */
export interface TreeView {
  readonly size: number;
  root(size?: number): Promise<Hash>;
  inclusion(index: number, size?: number): Promise<Hash[]>;
  consistency(from: number, to?: number): Promise<Hash[]>;
}

export const storedTreeView = (tree: StoredTree, size: number): TreeView => {
  const check = (n: number): number => {
    if (!(Number.isSafeInteger(n) && n >= 0 && n <= size)) throw new RangeError(`the log's tree has ${size} events, not ${n}`);
    return n;
  };
  return {
    size,
    root: (n = size) => withStoredNodes(tree, (node) => rootHash(node, check(n))),
    inclusion: (index, n = size) => withStoredNodes(tree, (node) => inclusionProof(node, index, check(n))),
    consistency: (from, to = size) => withStoredNodes(tree, (node) => consistencyProof(node, from, check(to))),
  };
};

export const memoryTreeView = (tree: MemoryTree): TreeView => ({
  size: tree.size,
  root: async (n) => tree.root(n),
  inclusion: async (index, n) => tree.inclusion(index, n),
  consistency: async (from, to) => tree.consistency(from, to),
});

/** The tree of the events given (in order from position 1), computed here: for stores without a node table. */
export const treeOfEvents = (events: Iterable<StoredEvent>): MemoryTree => {
  const t = new MemoryTree();
  for (const e of events) {
    const leaf = eventLeaf(e);
    if (!leaf) throw new TypeError(`event at position ${e.position} has an unknown hash version`);
    t.append(leaf);
  }
  return t;
};
