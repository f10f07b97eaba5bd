import { hash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing over SHA-256: a leaf is H(0x00 ‖ entry), an inner
 * node H(0x01 ‖ left ‖ right), and the tree of n leaves splits at the largest power of two
 * below n. Sizes and indexes are plain numbers (exact below 2^53), so no bit operators.
 */
export type Hash = Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/*
 * One-shot crypto.hash (Node 20.12+) rather than a Hash object per call: appends hash a leaf
 * and about one node per event, and the object costs more than the SHA-256 of a node's 65
 * bytes. A string entry is prefixed as a string ("\0" is the byte 0x00 in UTF-8), so its text
 * is encoded once.
 */
const sha256 = (data: string | Uint8Array): Hash => hash('sha256', data, 'buffer');

export const leafHash = (entry: Uint8Array | string): Hash => sha256(typeof entry === 'string' ? `\0${entry}` : Buffer.concat([LEAF, entry]));
/**
 * An entry's own SHA-256 (hex) and its leaf hash, from one UTF-8 encoding of it: an append
 * needs both of the same bytes (the chain hash and the Merkle leaf). Equal to
 * sha256(entry) and leafHash(entry).
 */
export const entryAndLeafHash = (entry: string): { readonly hash: string; readonly leaf: Hash } => {
  const bytes = Buffer.from(`\0${entry}`, 'utf8');
  return { hash: hash('sha256', bytes.subarray(1), 'hex'), leaf: sha256(bytes) };
};
/**
 * The same from bytes already encoded behind a 0x00 byte (the leaf's prefix): `prefixed` is
 * 0x00 ‖ entry. Lets an append encode the entry once, where it likes (event-store's entry-bytes.ts).
 */
export const prefixedEntryAndLeafHash = (prefixed: Buffer): { readonly hash: string; readonly leaf: Hash } => {
  if (prefixed[0] !== 0) throw new Error('prefixedEntryAndLeafHash takes 0x00 followed by the entry');
  return { hash: hash('sha256', prefixed.subarray(1), 'hex'), leaf: sha256(prefixed) };
};
/* crypto.hash reads its input before returning, so one scratch buffer serves every node (no concat a node). */
const nodeInput = Buffer.alloc(65, 1);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Hash => {
  if (left.length !== 32 || right.length !== 32) return sha256(Buffer.concat([NODE, left, right]));
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
};
/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = sha256('');

/** Largest power of two strictly below n (n ≥ 2). */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const isPowerOfTwo = (n: number): boolean => n >= 1 && splitPoint(n * 2) === n;
const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * The hash of a complete subtree: 2^level leaves starting at leaf index × 2^level. Level 0 is
 * a leaf hash. Stores keep these (a node table); proofs are built from them alone.
 */
export type NodeSource = (level: number, index: number) => Hash;

/** MTH(D[start:end]) from the complete subtrees that make it up (O(log n) lookups). */
export const rangeHash = (nodes: NodeSource, start: number, end: number): Hash => {
  const size = end - start;
  if (size <= 0) return EMPTY_ROOT;
  if (isPowerOfTwo(size) && start % size === 0) return nodes(Math.log2(size), start / size);
  const k = splitPoint(size);
  return nodeHash(rangeHash(nodes, start, start + k), rangeHash(nodes, start + k, end));
};

export const rootHash = (nodes: NodeSource, size: number): Hash => rangeHash(nodes, 0, size);

/** A run of leaves, D[start:end]: each hash of a proof is the root of one. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** A complete subtree: 2^level leaves from leaf index × 2^level (a row of a store's node table). */
export interface SubtreeKey {
  readonly level: number;
  readonly index: number;
}

/** The complete subtrees rangeHash reads for D[start:end], in its order: what a store fetches for it. */
export const rangeNodes = (start: number, end: number, out: SubtreeKey[] = []): SubtreeKey[] => {
  const size = end - start;
  if (size <= 0) return out;
  if (isPowerOfTwo(size) && start % size === 0) {
    out.push({ level: Math.log2(size), index: start / size });
    return out;
  }
  const k = splitPoint(size);
  rangeNodes(start, start + k, out);
  return rangeNodes(start + k, end, out);
};

/** The ranges whose roots make RFC 9162 §2.1.3.1 PATH(m, D[n]), in order. */
export const inclusionRanges = (index: number, size: number): LeafRange[] => {
  if (!(index >= 0 && index < size)) throw new RangeError(`inclusionProof: leaf ${index} is not in a tree of ${size}`);
  const path: LeafRange[] = [];
  const walk = (m: number, start: number, end: number): void => {
    if (end - start <= 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      walk(m, start, start + k);
      path.push({ start: start + k, end });
    } else {
      walk(m - k, start + k, end);
      path.push({ start, end: start + k });
    }
  };
  walk(index, 0, size);
  return path;
};

/** The ranges whose roots make RFC 9162 §2.1.4.1 PROOF(m, D[n]), in order. */
export const consistencyRanges = (from: number, to: number): LeafRange[] => {
  if (!(from >= 0 && from <= to)) throw new RangeError(`consistencyProof: ${from} is not between 0 and ${to}`);
  if (from === 0 || from === to) return [];
  const path: LeafRange[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) path.push({ start, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      path.push({ start: start + k, end });
    } else {
      sub(m - k, start + k, end, false);
      path.push({ start, end: start + k });
    }
  };
  sub(from, 0, to, true);
  return path;
};

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of `size` leaves. */
export const inclusionProof = (nodes: NodeSource, index: number, size: number): Hash[] =>
  inclusionRanges(index, size).map((r) => rangeHash(nodes, r.start, r.end));

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof from the tree of `from` leaves to the tree of `to`. */
export const consistencyProof = (nodes: NodeSource, from: number, to: number): Hash[] =>
  consistencyRanges(from, to).map((r) => rangeHash(nodes, r.start, r.end));

const is32 = (h: Uint8Array): boolean => h.length === 32;

/** RFC 9162 §2.1.3.2: does `proof` put the leaf hash at `index` under `root` of a tree of `size`? */
export const verifyInclusion = (index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean => {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  if (!is32(leaf) || !is32(root) || !proof.every(is32)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) while (!(odd(fn) || fn === 0)) { fn = half(fn); sn = half(sn); }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.compare(Buffer.from(r), Buffer.from(root)) === 0;
};

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `from` leaves (root `fromRoot`) is a prefix of the tree of `to` (root `toRoot`)? */
export const verifyConsistency = (from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[]): boolean => {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to)) return false;
  if (!is32(fromRoot) || !is32(toRoot) || !proof.every(is32)) return false;
  const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  if (from === to) return proof.length === 0 && same(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) while (!(odd(fn) || fn === 0)) { fn = half(fn); sn = half(sn); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, fromRoot) && same(sr, toRoot);
};

/**
 * The complete subtrees to store when leaf `index` is appended: the leaf itself, then each
 * node it completes. `left(level, i)` reads a stored node (always one to the left of the leaf).
 */
export const nodesCompletedBy = (index: number, leaf: Hash, left: NodeSource): Array<{ level: number; index: number; hash: Hash }> => {
  const out = [{ level: 0, index, hash: leaf }];
  let level = 0;
  let i = index;
  let h = leaf;
  while (odd(i)) {
    h = nodeHash(left(level, i - 1), h);
    level += 1;
    i = half(i);
    out.push({ level, index: i, hash: h });
  }
  return out;
};
