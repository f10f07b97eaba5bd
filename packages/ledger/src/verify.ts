import { chainVerifier, ledgerRegistry, type EventRegistry } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { checkReadModel, ReadModelMismatch, type ReadModelReader } from '@minsheng/projections';
import { isLeft } from 'fp-ts/Either';

/**
 * What failed: the hash chain (a hash, a link, a gap in positions, a version or time going
 * back), an event's content (its schema), or the read model (applied events the log no longer
 * holds as it did).
 */
export type VerifyFault = 'chain' | 'schema' | 'read-model';

export type VerifyResult =
  | { readonly ok: true; readonly events: number; readonly head: string }
  | {
      readonly ok: false;
      readonly fault: VerifyFault;
      readonly events: number;
      readonly position: number;
      readonly eventId: string;
      readonly reason: string;
    };

export interface VerifyOptions {
  readonly onProgress?: (checked: number, head: number) => void;
  /** Also check that this read model was built from the log as it stands (see checkReadModel). */
  readonly readModel?: ReadModelReader;
  /** The schemas each event must decode with. Default the ledger's. */
  readonly registry?: EventRegistry;
  readonly batchSize?: number;
}

/**
 * Walks the whole log in global order, exactly as stored, recomputing every hash and link and
 * checking that positions are dense from 1; decodes every event with the current schemas
 * (upcasting older versions), since a hash only proves an event was not changed, not that any
 * command can read it; then checks the read model against the log. Stops at the first failure
 * and names it.
 */
export const verifyChain = async (store: EventStore, options: VerifyOptions = {}): Promise<VerifyResult> => {
  const { onProgress, readModel, registry = ledgerRegistry, batchSize = 5000 } = options;
  const headE = await store.headPosition()();
  const head = isLeft(headE) ? 0 : headE.right;
  const v = chainVerifier();
  let from = 0;
  for (;;) {
    const batch = await store.readAll({ fromPosition: from, maxCount: batchSize, raw: true })();
    if (isLeft(batch)) {
      const e = batch.left;
      return e._tag === 'CorruptEvent'
        ? { ok: false, fault: 'chain', events: v.count, position: e.position, eventId: e.eventId, reason: e.message }
        : { ok: false, fault: 'chain', events: v.count, position: from + 1, eventId: '', reason: e.message };
    }
    if (batch.right.length === 0) break;
    for (const e of batch.right) {
      const r = v.check(e);
      if (r._tag === 'ChainBroken') return { ok: false, fault: 'chain', events: v.count, position: r.position, eventId: r.eventId, reason: r.reason };
      const decoded = registry.upcast(e);
      if (isLeft(decoded))
        return {
          ok: false,
          fault: 'schema',
          events: v.count,
          position: e.position,
          eventId: e.eventId,
          reason: `its content fails its schema: ${decoded.left.message}`,
        };
    }
    from = batch.right[batch.right.length - 1]!.position;
    onProgress?.(v.count, Math.max(head, from));
  }
  if (readModel) {
    try {
      await checkReadModel(store, readModel);
    } catch (e) {
      if (!(e instanceof ReadModelMismatch)) throw e;
      return { ok: false, fault: 'read-model', events: v.count, position: e.checkpoint, eventId: '', reason: e.message };
    }
  }
  return { ok: true, events: v.count, head: v.head };
};
