import type { Checkpoint } from './checkpoint';
import { entryLeaf, type LogEntry } from './entry';
import { verifyConsistency, verifyInclusion } from './merkle';

/** `minsheng prove EVENT_ID`: the event itself and its audit path in the tree of `treeSize` events. */
export interface InclusionProof {
  readonly kind: 'inclusion';
  readonly treeSize: number;
  /** Hex of the root the path leads to (the checkpoint's). */
  readonly root: string;
  readonly event: LogEntry;
  readonly path: readonly string[];
}

/** `minsheng prove --from A --to B`: the tree of `from.size` events is a prefix of the tree of `to.size`. */
export interface ConsistencyProof {
  readonly kind: 'consistency';
  readonly from: { readonly size: number; readonly root: string };
  readonly to: { readonly size: number; readonly root: string };
  readonly path: readonly string[];
}

export type Proof = InclusionProof | ConsistencyProof;

const HEX32 = /^[0-9a-f]{64}$/;
const hexes = (path: unknown): Buffer[] | null =>
  Array.isArray(path) && path.every((h) => typeof h === 'string' && HEX32.test(h)) ? path.map((h: string) => Buffer.from(h, 'hex')) : null;

/** Yes (null) or no (the reason): does the proof put its event in the checkpoint's tree? */
export const checkInclusion = (p: InclusionProof, cp: Checkpoint): string | null => {
  if (p.treeSize !== cp.size) return `the proof is for a tree of ${p.treeSize} events; the checkpoint is of ${cp.size}`;
  const path = hexes(p.path);
  if (!path) return 'its path is not a list of 64-digit hex hashes';
  const leaf = entryLeaf(p.event);
  if (!leaf) return `its event's hash version ${p.event.hashVersion} is unknown or it has no storedAt`;
  if (!Number.isSafeInteger(p.event.position) || p.event.position < 1) return `its event position ${p.event.position} is not a position`;
  return verifyInclusion(p.event.position - 1, cp.size, leaf, path, cp.root)
    ? null
    : `event ${p.event.eventId} at position ${p.event.position} is NOT in the log of ${cp.size} events the checkpoint signs`;
};

/** Yes (null) or no: does the proof show the older checkpoint's log is a prefix of the newer one's? */
export const checkConsistency = (p: ConsistencyProof, older: Checkpoint, newer: Checkpoint): string | null => {
  if (p.from.size !== older.size || p.to.size !== newer.size)
    return `the proof is from ${p.from.size} to ${p.to.size} events; the checkpoints are of ${older.size} and ${newer.size}`;
  const path = hexes(p.path);
  if (!path) return 'its path is not a list of 64-digit hex hashes';
  return verifyConsistency(older.size, newer.size, older.root, newer.root, path)
    ? null
    : `the log of ${newer.size} events is NOT an extension of the log of ${older.size}: history before ${older.size} was rewritten`;
};
