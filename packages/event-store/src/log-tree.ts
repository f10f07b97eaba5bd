import { canonicalContent, canonicalContentV2, type StoredEvent } from '@minsheng/core';
import {
  consistencyRanges,
  entryLeaf,
  inclusionRanges,
  leafHash,
  MemoryTree,
  rangeHash,
  rangeNodes,
  type Hash,
  type LeafRange,
  type LogEntry,
  type NodeSource,
} from '@minsheng/verify';
import type { StoredRow } from './stored-row';

/*
 * The RFC 9162 Merkle tree over the log. Leaf i is H(0x00 ‖ the bytes event i+1's chain hash
 * covers: prevHash, "\n", its canonical content), so the tree commits to the same bytes as the
 * chain. Stores that keep the tree (SQLite, PostgreSQL, memory) write each leaf and the complete
 * subtrees it closes in the append's transaction (SQLite and PostgreSQL: in the event's own row,
 * tree-columns.ts); EventStoreDB's adapter computes the tree on read.
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
 * The roots of these leaf ranges, from a stored tree: the complete subtrees they are made of are
 * known from the ranges alone, so they are fetched in one call (each once) and then combined.
 * Throws when the table lacks a node it needs.
 */
export const storedRangeHashes = async (tree: StoredTree, ranges: readonly LeafRange[]): Promise<Hash[]> => {
  const keys: NodeKey[] = [];
  for (const r of ranges) rangeNodes(r.start, r.end, keys);
  const found = await tree.nodes(keys);
  // By level, then index: a handful of levels, a few nodes each.
  const byLevel: Array<Map<number, Hash>> = [];
  for (let i = 0; i < keys.length; i++) {
    const h = found[i];
    if (h) (byLevel[keys[i]!.level] ??= new Map()).set(keys[i]!.index, h);
  }
  const node: NodeSource = (level, index) => {
    const h = byLevel[level]?.get(index);
    if (!h) throw new RangeError(`the store's Merkle tree has no node at level ${level}, index ${index}`);
    return h;
  };
  return ranges.map((r) => rangeHash(node, r.start, r.end));
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
    root: async (n = size) => (await storedRangeHashes(tree, [{ start: 0, end: check(n) }]))[0]!,
    inclusion: async (index, n = size) => storedRangeHashes(tree, inclusionRanges(index, check(n))),
    consistency: async (from, to = size) => storedRangeHashes(tree, consistencyRanges(from, check(to))),
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
