import { brokenChain, edgeLevels, nodePosition, treeEdge, type BrokenChain, type NodeKey, type StoredRow, type StoredTree } from '@minsheng/event-store';
import type { AppendState, statements } from './statements';
import type { PgArrayRow } from './event-rows';

/*
 * The Merkle tree as PostgreSQL keeps it (schema 5): each row's leaf and the nodes its leaf
 * completed are columns of the row (event-store's tree-columns.ts), and merkle_sizes records
 * the size each append left the tree at. An append reads the tree's right edge with the head,
 * under the lock, and computes its rows' columns in JS.
 */

/** Proof reads ask this many nodes a statement at most (a check of every leaf asks for the whole log). */
const NODES_PAGE = 10_000;

/**
 * The tree as an append found it under the lock: its right edge by level, or why nothing may be
 * appended (the tree does not cover exactly the log, or a node of its edge is gone).
 */
export const appendTree = (state: Pick<AppendState, 'tree_size' | 'edge'>, head: StoredRow | null): { edge: Array<Buffer | undefined> } | { broken: BrokenChain } => {
  const size = Number(state.tree_size ?? 0);
  const held = head?.position ?? 0;
  if (size !== held)
    return { broken: brokenChain(Math.max(held, 1), head?.eventId ?? 'none', `the Merkle tree covers ${size} events but the log holds ${held}`) };
  const byLevel = new Map(state.edge.map((e) => [e.level, e.hash]));
  const edge: Array<Buffer | undefined> = [];
  for (const { level, position } of edgeLevels(size)) {
    const hex = byLevel.get(level);
    if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex))
      return { broken: brokenChain(position, head?.eventId ?? 'none', `the Merkle tree's node at level ${level} is missing from the row at position ${position}`) };
    edge[level] = Buffer.from(hex, 'hex');
  }
  return { edge };
};

/**
 * The tree columns of rows appended after `edge` (the tree's right edge at their first position):
 * the parameters insertRows and fastInsert take after their others (each row's leaf and nodes,
 * the size the tree reaches), and the edge after the rows.
 */
export const treeColumns = (
  edge: ReadonlyArray<Buffer | undefined>,
  rows: readonly StoredRow[],
  leaves: readonly Buffer[],
): { params: unknown[]; edge: Array<Buffer | undefined> } => {
  const grown = treeEdge(edge);
  const nodes = rows.map((r, i) => grown.nodesOf(r.position - 1, leaves[i]!));
  return { params: [leaves, nodes, rows.length ? rows[rows.length - 1]!.position : null], edge: grown.levels() };
};

/** The store's `tree`: nodes read from the rows that keep them, a statement a page of keys. */
export const storedTree = (sql: ReturnType<typeof statements>, arrayRows: (q: ReturnType<ReturnType<typeof statements>['treeNodes']>) => Promise<PgArrayRow[]>, size: () => Promise<number>): StoredTree => ({
  leafCount: size,
  nodes: async (keys: readonly NodeKey[]) => {
    const found: Array<Buffer | undefined> = [];
    for (let from = 0; from < keys.length; from += NODES_PAGE) {
      const page = keys.slice(from, from + NODES_PAGE);
      const rows = await arrayRows(sql.treeNodes(page.map((k) => k.level), page.map((k) => (k.level === 0 ? k.index + 1 : nodePosition(k.level, k.index)))));
      for (const [hash] of rows) found.push(Buffer.isBuffer(hash) && hash.length === 32 ? hash : undefined);
    }
    return found;
  },
});
