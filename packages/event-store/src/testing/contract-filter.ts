import { NO_STREAM } from '../expected-revision';
import type { EventStore } from '../port';
import { makeTestEvents } from './factory';
import { fails, ok, type Kit } from './harness';

/*
 * readAll's filter (eventTypes, streamPrefix) and upper bound (toPosition): applied in the query
 * where the engine allows it, with the same answers on every store. Stream names hold the
 * characters a LIKE pattern treats as wildcards, and differ only in case, so that a store that
 * forgot to escape them, or compares without case, returns too much.
 */
const STREAMS = ['progress-a', 'task-1', 'progress_b', 'PROGRESS-c', 'progress%d', 'progressXe'] as const;

/** Three rounds of one event in each of STREAMS: positions 1..18, the streams interleaved. */
const seed = async (store: EventStore) => {
  for (let round = 0; round < 3; round++)
    for (const stream of STREAMS) await ok(store.append(stream, makeTestEvents(1), round === 0 ? NO_STREAM : round - 1));
};
const where = (events: readonly { stream: string; position: number }[]) => events.map((e) => `${e.stream}@${e.position}`);
const positionsOf = (stream: string) => [0, 1, 2].map((round) => round * STREAMS.length + STREAMS.indexOf(stream as (typeof STREAMS)[number]) + 1);

export const filterContract = (kit: Kit) => {
  describe('readAll filtered by event type and stream prefix', () => {
    it('keeps only the streams that start with the prefix, in log order, taking % and _ literally and case as it is', async () => {
      const store = kit.store();
      await seed(store);
      const progress = await ok(store.readAll({ streamPrefix: 'progress-' }));
      expect(where(progress)).toEqual(positionsOf('progress-a').map((p) => `progress-a@${p}`));
      expect(where(await ok(store.readAll({ streamPrefix: 'progress_' })))).toEqual(positionsOf('progress_b').map((p) => `progress_b@${p}`));
      expect(where(await ok(store.readAll({ streamPrefix: 'progress%' })))).toEqual(positionsOf('progress%d').map((p) => `progress%d@${p}`));
      expect(where(await ok(store.readAll({ streamPrefix: 'PROGRESS' })))).toEqual(positionsOf('PROGRESS-c').map((p) => `PROGRESS-c@${p}`));
      expect((await ok(store.readAll({ streamPrefix: 'progress' }))).length).toBe(12);
      expect(await ok(store.readAll({ streamPrefix: 'nothing-' }))).toEqual([]);
    });

    it('keeps only the given event types', async () => {
      const store = kit.store();
      await seed(store);
      expect((await ok(store.readAll({ eventTypes: ['ProgressReported', 'TaskCompleted'] }))).length).toBe(18);
      expect(await ok(store.readAll({ eventTypes: ['ProgressRetracted'] }))).toEqual([]);
      expect(where(await ok(store.readAll({ eventTypes: ['ProgressReported'], streamPrefix: 'task-' })))).toEqual(
        positionsOf('task-1').map((p) => `task-1@${p}`),
      );
    });

    it('reads a position range: after fromPosition, up to toPosition inclusive, at most maxCount matching events', async () => {
      const store = kit.store();
      await seed(store);
      // progress-a is at 1, 7, 13: the range 1..13 holds the second and third.
      expect(where(await ok(store.readAll({ fromPosition: 1, toPosition: 13, streamPrefix: 'progress-' })))).toEqual(['progress-a@7', 'progress-a@13']);
      expect(where(await ok(store.readAll({ fromPosition: 1, toPosition: 12, streamPrefix: 'progress-' })))).toEqual(['progress-a@7']);
      expect(await ok(store.readAll({ fromPosition: 2, toPosition: 6, streamPrefix: 'progress-' }))).toEqual([]);
      expect(where(await ok(store.readAll({ streamPrefix: 'progress-', maxCount: 2 })))).toEqual(['progress-a@1', 'progress-a@7']);
      // Unfiltered, toPosition bounds a dense page.
      expect((await ok(store.readAll({ fromPosition: 4, toPosition: 9 }))).map((e) => e.position)).toEqual([5, 6, 7, 8, 9]);
      expect((await ok(store.readAll({ fromPosition: 4, toPosition: 9, maxCount: 2 }))).map((e) => e.position)).toEqual([5, 6]);
      expect(await ok(store.readAll({ fromPosition: 9, toPosition: 9 }))).toEqual([]);
    });

    it('returns the same events, checked, as an unfiltered read does', async () => {
      const store = kit.store();
      await seed(store);
      const all = await ok(store.readAll());
      expect(await ok(store.readAll({ streamPrefix: 'task-' }))).toEqual(all.filter((e) => e.stream.startsWith('task-')));
    });

    it.each([[{ eventTypes: [] }], [{ eventTypes: [''] }], [{ streamPrefix: '' }], [{ toPosition: -1 }], [{ toPosition: 2.5 }]])('refuses %j', async (bad) => {
      await fails(kit.store().readAll(bad as object), 'InvalidArgument');
    });
  });
};
