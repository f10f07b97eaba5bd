import { consistencyProof, inclusionProof, nodeHash, nodesCompletedBy, rootHash, type Hash, type NodeSource, EMPTY_ROOT } from './merkle';

/**
 * A Merkle tree held in memory: every complete subtree by level, as a store's node table
 * keeps them. Appending a leaf stores it and the nodes it completes (two on average).
 */
export class MemoryTree {
  private readonly levels: Hash[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  readonly node: NodeSource = (level, index) => {
    const h = this.levels[level]?.[index];
    if (!h) throw new RangeError(`no complete subtree at level ${level}, index ${index} in a tree of ${this.size}`);
    return h;
  };

  append(leaf: Hash): void {
    for (const n of nodesCompletedBy(this.size, leaf, this.node)) (this.levels[n.level] ??= [])[n.index] = n.hash;
  }

  /** Takes back every leaf past `size` (a rolled-back append), with the nodes over them. */
  truncate(size: number): void {
    this.checkSize(size);
    for (let l = 0, width = 1; l < this.levels.length; l++, width *= 2) this.levels[l]!.length = Math.floor(size / width);
  }

  /** Root of the first `size` leaves (default all). */
  root(size = this.size): Hash {
    this.checkSize(size);
    return rootHash(this.node, size);
  }

  inclusion(index: number, size = this.size): Hash[] {
    this.checkSize(size);
    return inclusionProof(this.node, index, size);
  }

  consistency(from: number, to = this.size): Hash[] {
    this.checkSize(to);
    return consistencyProof(this.node, from, to);
  }

  private checkSize(size: number): void {
    if (!(Number.isSafeInteger(size) && size >= 0 && size <= this.size)) throw new RangeError(`the tree has ${this.size} leaves, not ${size}`);
  }
}

/**
 * Only the right edge of a tree: the root of each complete subtree the leaves so far split into
 * (one a set bit of the size). Enough for the root at the current size, in O(log n) memory.
 */
export class RightEdge {
  /** By level: the complete subtree of 2^level leaves at the edge, where the size has that bit. */
  private readonly levels: Array<Hash | undefined> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let h = leaf;
    let level = 0;
    while (this.levels[level]) {
      h = nodeHash(this.levels[level]!, h);
      this.levels[level] = undefined;
      level += 1;
    }
    this.levels[level] = h;
    this.count += 1;
  }

  /** The root of the leaves so far: the edge's subtrees folded from the smallest up. */
  root(): Hash {
    let acc: Hash | undefined;
    for (const h of this.levels) if (h) acc = acc ? nodeHash(h, acc) : h;
    return acc ?? EMPTY_ROOT;
  }
}
