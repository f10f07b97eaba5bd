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
  const checker = logChecker(new MemoryTree());
  for (const e of entries) {
    const fault = checker.add(e);
    if (fault) return fault;
  }
  return { tree: checker.tree, headHash: checker.headHash };
};

/** Where a log checker puts each event's leaf: a whole tree (MemoryTree) or its right edge alone (RightEdge). */
export interface LeafSink {
  readonly size: number;
  append(leaf: Hash): void;
}

/**
 * checkLog one event at a time, each leaf put in `tree`. With a RightEdge, which keeps one
 * node a level, memory stays flat however long the log: an exported log is checked as it
 * streams past, and the root is taken when the count reaches a checkpoint's size.
 */
export const logChecker = <T extends LeafSink>(tree: T) => {
  let prev = GENESIS_HASH;
  let version = 1;
  return {
    tree,
    get headHash(): string {
      return prev;
    },
    /** Checks the next event and takes its leaf; a fault says why not (and nothing is taken). */
    add: (e: LogEntry): LogFault | null => {
      const expected = tree.size + 1;
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
      return null;
    },
  };
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
