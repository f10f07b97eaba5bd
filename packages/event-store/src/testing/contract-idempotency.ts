import { ANY, NO_STREAM } from '../expected-revision';
import { makeTestEvent, makeTestEvents } from './factory';
import { fails, ok, snapshot, type Kit } from './harness';

const S = 'progress-7-daoli';

/** A retried request never stores a fact twice; a muddled retry is refused, not half-applied. */
export const idempotencyContract = (kit: Kit) => {
  describe('append: idempotency by event id', () => {
    it('a retried batch returns the original result and stores nothing', async () => {
      const store = kit.store();
      const batch = makeTestEvents(3);
      const first = await ok(store.append(S, batch, NO_STREAM));
      await ok(store.append('progress-7-nangang', makeTestEvents(2), NO_STREAM));
      const before = await snapshot(store);

      const retry = await ok(store.append(S, batch, NO_STREAM));

      expect(retry).toEqual({ ...first, alreadyStored: true });
      expect(await snapshot(store)).toEqual(before);
    });

    it('a retry succeeds even after the stream has moved on, and reports the original revision', async () => {
      const store = kit.store();
      const batch = makeTestEvents(2);
      const first = await ok(store.append(S, batch, NO_STREAM));
      await ok(store.append(S, makeTestEvents(3), 1));

      const retry = await ok(store.append(S, batch, NO_STREAM));

      expect(retry).toEqual({ stream: S, nextRevision: 1, positions: first.positions, alreadyStored: true });
      expect(await ok(store.streamRevision(S))).toBe(4);
    });

    it('an event sent many times, even at once, is stored once', async () => {
      const store = kit.store();
      const e = makeTestEvent();
      const results = await Promise.all(Array.from({ length: 10 }, () => ok(store.append(S, [e], ANY))));
      expect(new Set(results.map((r) => r.positions[0]))).toEqual(new Set([1]));
      expect(results.filter((r) => !r.alreadyStored)).toHaveLength(1);
      expect(await ok(store.readStream(S))).toHaveLength(1);
    });

    it('a batch partly stored already is an IdempotencyConflict and writes nothing', async () => {
      const store = kit.store();
      const [a, b, c] = makeTestEvents(3);
      await ok(store.append(S, [a!, b!], NO_STREAM));
      const before = await snapshot(store);
      const e = await fails(store.append(S, [a!, b!, c!], ANY), 'IdempotencyConflict');
      expect(e).toMatchObject({ stream: S, eventId: c!.eventId });
      expect(await snapshot(store)).toEqual(before);
      expect(await ok(store.readEvent(c!.eventId))).toBeNull();
    });

    it('an id stored in another stream is an IdempotencyConflict naming that stream', async () => {
      const store = kit.store();
      const e = makeTestEvent();
      await ok(store.append('progress-7-nangang', [e], NO_STREAM));
      const conflict = await fails(store.append(S, [e], ANY), 'IdempotencyConflict');
      expect(conflict).toMatchObject({ stream: S, eventId: e.eventId });
      expect(conflict.message).toContain('progress-7-nangang');
      expect(await ok(store.streamRevision(S))).toBe(NO_STREAM);
    });

    it('a duplicate id within one batch is an InvalidArgument and writes nothing', async () => {
      const store = kit.store();
      const [a, b] = makeTestEvents(2);
      await fails(store.append(S, [a!, b!, a!], NO_STREAM), 'InvalidArgument');
      expect(await ok(store.headPosition())).toBe(0);
    });
  });
};
