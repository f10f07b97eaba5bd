import { nodesCompletedBy, type Hash } from '@minsheng/verify';

/*
 * How the stores that keep the Merkle tree lay it out (SQLite schema 5, PostgreSQL schema 5): a
 * leaf is a column of its event's row, and each node from level 1 up is a 32-byte slot of the
 * `nodes` column of the row whose leaf completed it, levels in order. Nothing else is stored: a
 * proof reads a few rows by position.
 */

/**
 * Where node (level, index), level ≥ 1, is kept: in the row of the leaf that completed it, the
 * last of its subtree, at slot level - 1 of that row's `nodes`.
 */
export const nodePosition = (level: number, index: number): number => (index + 1) * 2 ** level;

/** The `nodes` column of a leaf's row: the nodes it completes from level 1 up (nodesCompletedBy's order), or null. */
export const nodesColumn = (completed: ReadonlyArray<{ readonly hash: Hash }>): Buffer | null =>
  completed.length < 2 ? null : completed.length === 2 ? completed[1]!.hash : Buffer.concat(completed.slice(1).map((n) => n.hash));

/**
 * The positions whose rows hold the right edge of a tree of `size` leaves: for each bit l set in
 * size, node (l, size / 2^l - 1), kept in the row at size with its low l bits cleared (the leaf
 * itself for l = 0). The next leaf pairs with these nodes and no others.
 */
export const edgeLevels = (size: number): Array<{ level: number; position: number }> => {
  const out: Array<{ level: number; position: number }> = [];
  for (let level = 0, width = 1; width <= size; level++, width *= 2)
    if (Math.floor(size / width) % 2 === 1) out.push({ level, position: Math.floor(size / width) * width });
  return out;
};

/**
 * The tree's right edge, the last node at each level: enough to give each next leaf the nodes
 * it completes without reading anything. `seed` is the edge of the tree so far, by level (as
 * edgeLevels places it; empty for an empty tree).
 */
export const treeEdge = (seed: ReadonlyArray<Hash | undefined> = []) => {
  const edge: Array<Hash | undefined> = [...seed];
  return {
    /** The `nodes` column of the leaf at `index` (the tree's size so far), and the edge moved on past it. */
    nodesOf: (index: number, leaf: Hash): Buffer | null => {
      const completed = nodesCompletedBy(index, leaf, (level) => {
        const h = edge[level];
        if (!h) throw new RangeError(`the Merkle tree's right edge has no node at level ${level} for leaf ${index}`);
        return h;
      });
      for (const n of completed) edge[n.level] = n.hash;
      return nodesColumn(completed);
    },
    /** The edge now, by level (a copy). */
    levels: (): Array<Hash | undefined> => [...edge],
  };
};

/**
 * The `nodes` column of each leaf in turn, from leaf 0 up: keeps the tree's right edge, so a
 * log's rows are given their nodes in one pass (migrations, the bench's raw rows, tests).
 */
export const nodeColumns = (): ((index: number, leaf: Hash) => Buffer | null) => treeEdge().nodesOf;
