import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision } from '../expected-revision';
import type { AppendError } from '../errors';
import type { EventStore } from '../port';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { AppendResult } from '../port';
import { makeTestEvent, makeTestEvents, makeV1Report } from './factory';
import { fails, ok, oneTo, snapshot, type Kit } from './harness';

const S = 'progress-7-daoli';

/** Expected-revision rules, refusals that change nothing, order and positions. */
export const appendContract = (kit: Kit) => {
  describe('append: expected revision', () => {
    it('no_stream creates a stream: revisions from 0, positions from 1', async () => {
      const r = await ok(kit.store().append(S, makeTestEvents(3), NO_STREAM));
      expect(r).toEqual({ stream: S, nextRevision: 2, positions: [1, 2, 3], alreadyStored: false });
    });

    it('no_stream on an existing stream is a conflict reporting the real revision', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(3), NO_STREAM));
      const e = await fails(store.append(S, makeTestEvents(1), NO_STREAM), 'ConcurrencyError');
      expect(e).toMatchObject({ stream: S, expected: NO_STREAM, actual: 2 });
      expect(e.message).toContain(S);
    });

    it('stream_exists on a missing stream is a conflict reporting no_stream', async () => {
      const e = await fails(kit.store().append(S, makeTestEvents(1), STREAM_EXISTS), 'ConcurrencyError');
      expect(e).toMatchObject({ stream: S, expected: STREAM_EXISTS, actual: NO_STREAM });
    });

    it('stream_exists appends to an existing stream', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(2), NO_STREAM));
      expect(await ok(store.append(S, makeTestEvents(1), STREAM_EXISTS))).toMatchObject({ nextRevision: 2, positions: [3] });
    });

    it('an exact revision appends only when it is the stream’s last revision, and conflicts report the real one', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(3), NO_STREAM));
      expect(await ok(store.append(S, makeTestEvents(2), 2))).toMatchObject({ nextRevision: 4, positions: [4, 5] });
      for (const stale of [0, 2, 3, 5, 99]) {
        expect(await fails(store.append(S, makeTestEvents(1), stale), 'ConcurrencyError')).toMatchObject({ expected: stale, actual: 4 });
      }
    });

    it('an exact revision on a missing stream is a conflict reporting no_stream', async () => {
      const e = await fails(kit.store().append(S, makeTestEvents(1), 0), 'ConcurrencyError');
      expect(e).toMatchObject({ expected: 0, actual: NO_STREAM });
    });

    it('any appends to a missing and to an existing stream', async () => {
      const store = kit.store();
      expect(await ok(store.append(S, makeTestEvents(2), ANY))).toMatchObject({ nextRevision: 1 });
      expect(await ok(store.append(S, makeTestEvents(2), ANY))).toMatchObject({ nextRevision: 3 });
    });

    it.each([[-1], [1.5], [Number.NaN], ['latest'], [null]])('refuses the expected revision %p', async (bad) => {
      await fails(kit.store().append(S, makeTestEvents(1), bad as ExpectedRevision), 'InvalidArgument');
    });

    it.each([[''], ['tab\there'], ['nul\u0000'], ['lone\ud800surrogate']])('refuses the stream name %j', async (bad) => {
      await fails(kit.store().append(bad, makeTestEvents(1), ANY), 'InvalidArgument');
    });

    it('refuses an empty batch', async () => {
      await fails(kit.store().append(S, [], ANY), 'InvalidArgument');
    });
  });

  describe('append: a refused append changes nothing', () => {
    const stored = makeTestEvent();
    const refusals: ReadonlyArray<[string, AppendError['_tag'], (s: EventStore) => TaskEither<AppendError, AppendResult>]> = [
      ['a stale exact revision', 'ConcurrencyError', (s) => s.append(S, makeTestEvents(2), 0)],
      ['no_stream on an existing stream', 'ConcurrencyError', (s) => s.append(S, makeTestEvents(2), NO_STREAM)],
      ['an invalid event in the middle of a batch', 'SchemaViolation', (s) => s.append(S, [makeTestEvent(), makeTestEvent({ value: 'many' }), makeTestEvent()], 1)],
      ['an old schema version', 'SchemaViolation', (s) => s.append(S, [makeV1Report()], 1)],
      ['a batch partly stored already', 'IdempotencyConflict', (s) => s.append(S, [stored, makeTestEvent()], 1)],
      ['an id stored in another stream', 'IdempotencyConflict', (s) => s.append(S, [stored], 1)],
      ['a duplicate id within the batch', 'InvalidArgument', (s) => { const e = makeTestEvent(); return s.append(S, [e, e], 1); }],
      ['an empty batch', 'InvalidArgument', (s) => s.append(S, [], 1)],
    ];

    it.each(refusals)('after %s (%s) nothing moved, and the right revision appends next', async (_what, tag, refuse) => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(2), NO_STREAM));
      await ok(store.append('progress-7-nangang', [stored], NO_STREAM));
      const before = await snapshot(store);

      await fails(refuse(store), tag);

      expect(await snapshot(store)).toEqual(before);
      expect(await ok(store.streamRevision(S))).toBe(1);
      const next = await ok(store.append(S, makeTestEvents(2), 1));
      expect(next).toEqual({ stream: S, nextRevision: 3, positions: [before.head + 1, before.head + 2], alreadyStored: false });
      expect((await ok(store.readAll())).map((e) => e.position)).toEqual(oneTo(before.head + 2));
    });
  });

  describe('append: order and positions', () => {
    it('keeps a batch in order within its stream', async () => {
      const store = kit.store();
      const batch = makeTestEvents(10);
      await ok(store.append(S, batch, NO_STREAM));
      const read = await ok(store.readStream(S));
      expect(read.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      expect(read.map((e) => e.revision)).toEqual(oneTo(10).map((i) => i - 1));
    });

    it('places streams in the global log in the order they were appended', async () => {
      const store = kit.store();
      const a1 = makeTestEvents(2);
      const b1 = makeTestEvents(1);
      const a2 = makeTestEvents(2);
      await ok(store.append('progress-a', a1, NO_STREAM));
      await ok(store.append('progress-b', b1, NO_STREAM));
      await ok(store.append('progress-a', a2, 1));
      const all = await ok(store.readAll());
      expect(all.map((e) => e.eventId)).toEqual([...a1, ...b1, ...a2].map((e) => e.eventId));
      expect(all.map((e) => [e.stream, e.revision])).toEqual([
        ['progress-a', 0],
        ['progress-a', 1],
        ['progress-b', 0],
        ['progress-a', 2],
        ['progress-a', 3],
      ]);
    });

    it('gives a single writer strictly increasing, gap-free positions', async () => {
      const store = kit.store();
      const streams = ['progress-a', 'progress-b', 'progress-c', 'progress-d'];
      const returned: number[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await ok(store.append(streams[i % 4]!, makeTestEvents(1 + (i % 5)), ANY));
        returned.push(...r.positions);
      }
      const all = await ok(store.readAll());
      expect(returned).toEqual(oneTo(all.length));
      expect(all.map((e) => e.position)).toEqual(oneTo(all.length));
      expect(await ok(store.headPosition())).toBe(all.length);
      for (const s of streams) {
        const revisions = all.filter((e) => e.stream === s).map((e) => e.revision);
        expect(revisions).toEqual(revisions.map((_, i) => i));
      }
    });

    it(`stores ${kit.largeBatch} events in one append`, async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(3), NO_STREAM));
      const batch = makeTestEvents(kit.largeBatch);
      const r = await ok(store.append(S, batch, NO_STREAM));
      expect(r.nextRevision).toBe(kit.largeBatch - 1);
      expect(r.positions).toEqual(oneTo(kit.largeBatch).map((i) => i + 3));
      const read = await ok(store.readStream(S));
      expect(read.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      expect(read[kit.largeBatch - 1]!.data).toEqual(batch[kit.largeBatch - 1]!.data);
      expect(await ok(store.headPosition())).toBe(kit.largeBatch + 3);
    });
  });
};
