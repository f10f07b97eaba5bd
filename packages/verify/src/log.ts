import { entryHash, entryLeaf, GENESIS_HASH, type LogEntry } from './entry';
import type { Hash } from './merkle';
import { MemoryTree } from './tree';

/** The first event of a log that fails, and why. */
export interface LogFault {
  readonly position: number;
  readonly eventId: string | null;
  readonly reason: string;
}

export interface CheckedLog {
  readonly tree: MemoryTree;
  readonly headHash: string;
}

/**
 * Walks a log from position 1 as verify does: dense positions, each hash against its content,
 * each link to the event before it, hash versions that never go down. Builds the Merkle tree
 * of the events as it goes. Returns the first fault, or the tree.
 */
export const checkLog = (entries: Iterable<LogEntry>): CheckedLog | LogFault => {
  const tree = new MemoryTree();
  let prev = GENESIS_HASH;
  let version = 1;
  let expected = 1;
  for (const e of entries) {
    const fault = (reason: string): LogFault => ({ position: e.position, eventId: e.eventId, reason });
    if (e.position !== expected)
      return { position: expected, eventId: null, reason: `position ${expected} is missing (the next event is at ${e.position})` };
    if (e.prevHash !== prev) return fault(`its prev_hash does not link to the hash of position ${expected - 1}`);
    if (e.hashVersion < version) return fault(`hash version ${e.hashVersion} after version ${version}`);
    const leaf = entryLeaf(e);
    if (leaf === null) return fault(`hash version ${e.hashVersion} is unknown or it has no storedAt`);
    if (entryHash(e) !== e.hash) return fault("stored hash does not match the event's content");
    tree.append(leaf);
    prev = e.hash;
    version = e.hashVersion;
    expected += 1;
  }
  return { tree, headHash: prev };
};

export const isFault = (r: CheckedLog | LogFault): r is LogFault => 'reason' in r;

/** Where a log's own tree first disagrees with leaves kept elsewhere (a store's node table). */
export const firstLeafMismatch = (tree: MemoryTree, kept: (index: number) => Hash | undefined): number | null => {
  for (let i = 0; i < tree.size; i++) {
    const k = kept(i);
    if (!k || !k.equals(tree.node(0, i))) return i + 1;
  }
  return null;
};
