import type { StoredEvent } from './events/envelope';
import { GENESIS_HASH, storedEventHash } from './hash';
import { isEarlier } from './recorded-time';

export type ChainBreak =
  | { readonly _tag: 'ChainBroken'; readonly position: number; readonly eventId: string; readonly reason: string }
  | { readonly _tag: 'ChainOk' };

const broken = (e: StoredEvent, reason: string): ChainBreak => ({ _tag: 'ChainBroken', position: e.position, eventId: e.eventId, reason });

/**
 * Walks stored events in global order and names the first whose hash or link fails.
 * Feed it with raw (not upcast) events: the hash covers what was stored.
 *
 * Besides each hash and link it checks what the stores guarantee along positions: positions
 * are dense (from the genesis hash the first is 1), hash versions never go down, and from
 * hash version 2 on neither stored_at nor metadata.recordedAt goes backwards (stores clamp
 * both to the head's, see docs/concepts.md). Version 1 rows were written before that rule.
 */
export const chainVerifier = (startPrevHash = GENESIS_HASH) => {
  let prev = startPrevHash;
  let lastPosition = 0;
  let lastVersion = 1;
  let lastStoredAt: string | undefined;
  let lastRecordedAt: string | undefined;
  let count = 0;
  // Dense from the first event when the walk starts at the log's beginning; after any event otherwise.
  let dense = startPrevHash === GENESIS_HASH;
  return {
    check(e: StoredEvent): ChainBreak {
      if (dense ? e.position !== lastPosition + 1 : e.position <= lastPosition)
        return broken(e, `position ${e.position} does not follow ${lastPosition}`);
      const version = e.hashVersion ?? 1;
      if (version !== 1 && version !== 2) return broken(e, `hash version ${JSON.stringify(version)} is not one this build knows (1 or 2)`);
      if (version < lastVersion) return broken(e, `hash version ${version} after version ${lastVersion}: versions never go down along positions`);
      if (e.prevHash !== prev) return broken(e, `prev_hash does not match the hash of the event before it`);
      const recordedAt = (e.metadata as { recordedAt?: unknown } | undefined)?.recordedAt;
      if (version === 2) {
        if (typeof e.storedAt !== 'string') return broken(e, 'a hash version 2 event has no stored_at');
        if (lastStoredAt !== undefined && isEarlier(e.storedAt, lastStoredAt))
          return broken(e, `stored_at "${e.storedAt}" is before the previous event's "${lastStoredAt}"`);
        if (lastRecordedAt !== undefined && typeof recordedAt === 'string' && isEarlier(recordedAt, lastRecordedAt))
          return broken(e, `recordedAt "${recordedAt}" is before the previous event's "${lastRecordedAt}"`);
      }
      if (storedEventHash(prev, e) !== e.hash) return broken(e, `stored hash does not match the event's content`);
      prev = e.hash;
      lastPosition = e.position;
      lastVersion = version;
      if (typeof e.storedAt === 'string') lastStoredAt = e.storedAt;
      if (typeof recordedAt === 'string') lastRecordedAt = recordedAt;
      dense = true;
      count += 1;
      return { _tag: 'ChainOk' };
    },
    get head(): string {
      return prev;
    },
    get count(): number {
      return count;
    },
  };
};
