import { chainVerifier } from '@minsheng/core';
import { NO_STREAM } from '../expected-revision';
import { makeTestEvent, makeTestEvents } from './factory';
import { fails, ok, snapshot, type Kit } from './harness';

/** appendBatches: several streams in one call, all or nothing. */
export const contractBatches = (kit: Kit) => {
  describe('appendBatches: several streams, all or nothing', () => {
    it('appends every batch in order, one result per batch, in one chained run of positions', async () => {
      const store = kit.store();
      await ok(store.append('plan', makeTestEvents(1), NO_STREAM));
      const results = await ok(
        store.appendBatches([
          { stream: 'plan', events: makeTestEvents(2), expected: 0 },
          { stream: 'task-1', events: makeTestEvents(3), expected: NO_STREAM },
          { stream: 'task-2', events: makeTestEvents(1), expected: NO_STREAM },
        ]),
      );
      expect(results).toEqual([
        { stream: 'plan', nextRevision: 2, positions: [2, 3], alreadyStored: false },
        { stream: 'task-1', nextRevision: 2, positions: [4, 5, 6], alreadyStored: false },
        { stream: 'task-2', nextRevision: 0, positions: [7], alreadyStored: false },
      ]);
      expect((await ok(store.readStream('task-1'))).map((e) => e.revision)).toEqual([0, 1, 2]);
      const v = chainVerifier();
      expect((await ok(store.readAll({ raw: true }))).every((e) => v.check(e)._tag === 'ChainOk')).toBe(true);
      expect(v.count).toBe(7);
    });

    it('a conflict in the last batch writes nothing for any batch', async () => {
      const store = kit.store();
      await ok(store.append('task-2', makeTestEvents(1), NO_STREAM));
      const before = await snapshot(store);
      const e = await fails(
        store.appendBatches([
          { stream: 'plan', events: makeTestEvents(2), expected: NO_STREAM },
          { stream: 'task-1', events: makeTestEvents(2), expected: NO_STREAM },
          { stream: 'task-2', events: makeTestEvents(1), expected: NO_STREAM },
        ]),
        'ConcurrencyError',
      );
      expect(e).toMatchObject({ stream: 'task-2', expected: NO_STREAM, actual: 0 });
      expect(await snapshot(store)).toEqual(before);
      expect(await ok(store.streamRevision('plan'))).toBe(NO_STREAM);
      // The store goes on from where it was.
      expect(await ok(store.append('plan', makeTestEvents(1), NO_STREAM))).toMatchObject({ positions: [2] });
    });

    it('an event stored in another stream refuses the whole call', async () => {
      const store = kit.store();
      const stored = makeTestEvent();
      await ok(store.append('task-9', [stored], NO_STREAM));
      const before = await snapshot(store);
      await fails(
        store.appendBatches([
          { stream: 'plan', events: makeTestEvents(1), expected: NO_STREAM },
          { stream: 'task-1', events: [stored], expected: NO_STREAM },
        ]),
        'IdempotencyConflict',
      );
      expect(await snapshot(store)).toEqual(before);
    });

    it('a schema violation in any batch refuses the whole call before anything is written', async () => {
      const store = kit.store();
      const bad = { ...makeTestEvent(), data: { planId: 'p' } };
      await fails(
        store.appendBatches([
          { stream: 'plan', events: makeTestEvents(1), expected: NO_STREAM },
          { stream: 'task-1', events: [bad], expected: NO_STREAM },
        ]),
        'SchemaViolation',
      );
      expect(await ok(store.headPosition())).toBe(0);
    });

    it('a retried call is a no-op reporting the original positions', async () => {
      const store = kit.store();
      const batches = [
        { stream: 'plan', events: makeTestEvents(2), expected: NO_STREAM },
        { stream: 'task-1', events: makeTestEvents(1), expected: NO_STREAM },
      ] as const;
      const first = await ok(store.appendBatches(batches));
      expect(await ok(store.appendBatches(batches))).toEqual(first.map((r) => ({ ...r, alreadyStored: true })));
      expect(await ok(store.headPosition())).toBe(3);
    });

    it('refuses a stream named in two batches, an event id in two batches, and no batch at all', async () => {
      const store = kit.store();
      const twice = makeTestEvent();
      const sameStream = await fails(
        store.appendBatches([
          { stream: 'plan', events: makeTestEvents(1), expected: NO_STREAM },
          { stream: 'plan', events: makeTestEvents(1), expected: 0 },
        ]),
        'InvalidArgument',
      );
      expect(sameStream.message).toBe('stream "plan" appears in two batches; put its events in one batch');
      const sameId = await fails(
        store.appendBatches([
          { stream: 'plan', events: [twice], expected: NO_STREAM },
          { stream: 'task-1', events: [twice], expected: NO_STREAM },
        ]),
        'InvalidArgument',
      );
      expect(sameId.message).toContain(twice.eventId);
      await fails(store.appendBatches([]), 'InvalidArgument');
      expect(await ok(store.headPosition())).toBe(0);
    });
  });
};
