import { logTreeView } from './log-audit';
import { StoreFailure } from './catch-up';
import type { EventStore } from './port';

/**
 * What the log held at a moment: the events recorded at or before it, which is what every view
 * read "known at" that moment is computed from. Recorded time never goes backwards along
 * positions (the stores clamp it, stored-row.ts), so those events are a prefix of the log.
 */
export interface LogAt {
  /** How many events were recorded at or before the moment: the prefix's size, its last position (0 when none). */
  readonly size: number;
  /** The chain hash of the event at `size` (null when the prefix is empty). */
  readonly hash: string | null;
  /** The RFC 9162 Merkle root of the first `size` events, hex: what a checkpoint of that size signs. */
  readonly root: string;
}

const recordedAtOf = (metadata: unknown): string | null => {
  const r = (metadata as { recordedAt?: unknown } | undefined)?.recordedAt;
  return typeof r === 'string' ? r : null;
};

const rawAt = async (store: EventStore, position: number) => {
  const r = await store.readAll({ fromPosition: position - 1, maxCount: 1, raw: true })();
  if (r._tag === 'Left') throw new StoreFailure(r.left);
  const e = r.right[0];
  if (!e) throw new Error(`the log has no event at position ${position}`);
  return e;
};

/**
 * Found by bisection over positions (a few reads however long the log). An event without a
 * recorded time (none is written so) counts as known: it cannot be placed after the moment.
 */
export const logAt = async (store: EventStore, moment: Date): Promise<LogAt> => {
  const at = moment.getTime();
  const head = await store.headPosition()();
  if (head._tag === 'Left') throw new StoreFailure(head.left);
  const known = async (position: number): Promise<boolean> => {
    const recordedAt = recordedAtOf((await rawAt(store, position)).metadata);
    return recordedAt === null || Date.parse(recordedAt) <= at;
  };
  // The largest position in [0, head] that is known (0: none).
  let [lo, hi] = [0, head.right];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await known(mid)) lo = mid;
    else hi = mid - 1;
  }
  const hash = lo === 0 ? null : (await rawAt(store, lo)).hash;
  const root = (await (await logTreeView(store)).root(lo)).toString('hex');
  return { size: lo, hash, root };
};
