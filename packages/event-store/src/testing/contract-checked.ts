import type { StoredEvent } from '@minsheng/core';
import { NO_STREAM } from '../expected-revision';
import type { EventStore } from '../port';
import { makeTestEvents } from './factory';
import { fails, ok, snapshot, type Kit } from './harness';

/** Six events over two streams: a = 1, 2, 5, 6; b = 3, 4. */
const seed = async (store: EventStore): Promise<readonly StoredEvent[]> => {
  await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
  await ok(store.append('progress-b', makeTestEvents(2), NO_STREAM));
  await ok(store.append('progress-a', makeTestEvents(2), 1));
  return ok(store.readAll({ raw: true }));
};

const FORGED = 'f'.repeat(64);

/**
 * Checked reads: every read but a raw one checks each event's hash and its link to the event
 * before it, and an append checks the head's hash, so nothing is projected, audited or chained
 * onto an event whose hash fails (docs/concepts.md, tamper evidence).
 */
export const checkedReadContract = (kit: Kit) => {
  const when = (possible: boolean) => (possible ? it : it.skip);

  describe('checked reads', () => {
    when(!!kit.corrupt)('readAll refuses a page holding a changed event, naming it; the events before it still read', async () => {
      const store = kit.store();
      const log = await seed(store);
      const forged = { ...(log[3]!.data as object), figure: { kind: 'quantity', value: '99999', unit: '个' } };
      await kit.corrupt!(4, { kind: 'field', field: 'data', value: forged });

      const e = await fails(store.readAll(), 'BrokenChain');
      expect(e).toMatchObject({ position: 4, eventId: log[3]!.eventId, reason: "stored hash does not match the event's content" });
      expect(e.message).toContain('position 4');
      expect(await ok(store.readAll({ maxCount: 3 }))).toHaveLength(3);
      await fails(store.readAll({ fromPosition: 3 }), 'BrokenChain');
      // Raw reads are for verification: they return what is stored.
      expect((await ok(store.readAll({ raw: true })))[3]!.data).toEqual(forged);
    });

    when(!!kit.corrupt)('a page that starts after a changed hash is refused: its first event no longer links to it', async () => {
      const store = kit.store();
      const log = await seed(store);
      await kit.corrupt!(3, { kind: 'field', field: 'hash', value: FORGED });
      expect(await fails(store.readAll({ fromPosition: 3 }), 'BrokenChain')).toMatchObject({
        position: 4,
        eventId: log[3]!.eventId,
        reason: 'prev_hash does not match the hash of the event before it',
      });
      expect(await fails(store.readAll({ fromPosition: 2, maxCount: 1 }), 'BrokenChain')).toMatchObject({ position: 3 });
      expect(await ok(store.readAll({ fromPosition: 4 }))).toHaveLength(2);
    });

    when(!!kit.corrupt)('readStream and readEvent check each event’s hash and its link to the event before it', async () => {
      const store = kit.store();
      const log = await seed(store);
      await kit.corrupt!(4, { kind: 'field', field: 'hash', value: FORGED });
      // Event 4 fails its own hash; event 5 (in another stream) fails its link to event 4.
      expect(await fails(store.readStream('progress-b'), 'BrokenChain')).toMatchObject({ position: 4 });
      expect(await fails(store.readEvent(log[3]!.eventId), 'BrokenChain')).toMatchObject({ position: 4 });
      expect(await fails(store.readStream('progress-a'), 'BrokenChain')).toMatchObject({ position: 5 });
      expect(await fails(store.readEvent(log[4]!.eventId), 'BrokenChain')).toMatchObject({ position: 5 });
      expect(await ok(store.readEvent(log[2]!.eventId))).toMatchObject({ position: 3 });
      expect(await ok(store.readStream('progress-a', { raw: true }))).toHaveLength(4);
    });

    when(!!kit.corrupt)('refuses to append after a head whose hash does not match its content, writing nothing', async () => {
      const store = kit.store();
      await seed(store);
      await kit.corrupt!(6, { kind: 'field', field: 'hash', value: FORGED });
      const before = await snapshot(store);
      expect(await fails(store.append('progress-b', makeTestEvents(1), 1), 'BrokenChain')).toMatchObject({ position: 6 });
      expect(
        await fails(store.appendBatches([{ stream: 'progress-c', events: makeTestEvents(1), expected: NO_STREAM }]), 'BrokenChain'),
      ).toMatchObject({ position: 6 });
      expect(await snapshot(store)).toEqual(before);
    });

    when(!!kit.corrupt)('a subscription ends at the first event whose hash fails, having delivered those before it', async () => {
      const store = kit.store();
      await seed(store);
      await kit.corrupt!(3, { kind: 'field', field: 'hash', value: FORGED });
      const seen: number[] = [];
      const sub = store.subscribe({ fromPosition: 0, batchSize: 2, onEvents: async (b) => void seen.push(...b.map((e) => e.position)) });
      await expect(sub.done).rejects.toMatchObject({ error: { _tag: 'BrokenChain', position: 3 } });
      expect(seen).toEqual([1, 2]);
    });
  });
};
