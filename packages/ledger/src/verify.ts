import { chainVerifier } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';

export type VerifyResult =
  | { readonly ok: true; readonly events: number; readonly head: string }
  | { readonly ok: false; readonly events: number; readonly position: number; readonly eventId: string; readonly reason: string };

/**
 * Walks the whole log in global order, exactly as stored, recomputing every hash and
 * link. Stops at the first event that fails and names it.
 */
export const verifyChain = async (
  store: EventStore,
  onProgress?: (checked: number, head: number) => void,
  batchSize = 5000,
): Promise<VerifyResult> => {
  const headE = await store.headPosition()();
  const head = isLeft(headE) ? 0 : headE.right;
  const v = chainVerifier();
  let from = 0;
  for (;;) {
    const batch = await store.readAll({ fromPosition: from, maxCount: batchSize, raw: true })();
    if (isLeft(batch)) {
      const e = batch.left;
      return e._tag === 'CorruptEvent'
        ? { ok: false, events: v.count, position: e.position, eventId: e.eventId, reason: e.message }
        : { ok: false, events: v.count, position: from + 1, eventId: '', reason: e.message };
    }
    if (batch.right.length === 0) return { ok: true, events: v.count, head: v.head };
    for (const e of batch.right) {
      const r = v.check(e);
      if (r._tag === 'ChainBroken') return { ok: false, events: v.count, position: r.position, eventId: r.eventId, reason: r.reason };
    }
    from = batch.right[batch.right.length - 1]!.position;
    onProgress?.(v.count, Math.max(head, from));
  }
};
