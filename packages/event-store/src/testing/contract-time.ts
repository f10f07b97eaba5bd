import { chainVerifier } from '@minsheng/core';
import { NO_STREAM } from '../expected-revision';
import { makeTestEvent, makeTestEvents } from './factory';
import { ok, type Kit } from './harness';

const LATER = '2024-07-02T10:00:00+08:00';
const EARLIER = '2024-07-01T09:00:00+08:00';

/** Recorded time and stored_at never go backwards along positions (docs/concepts.md, "Recorded time"). */
export const recordedTimeContract = (kit: Kit) => {
  describe('recorded time never goes backwards', () => {
    it('keeps a recorded time at or after the head’s exactly as written', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(1, { recordedAt: EARLIER }), NO_STREAM));
      const later = makeTestEvent({ recordedAt: LATER });
      await ok(store.append('progress-b', [later], NO_STREAM));
      const [stored] = await ok(store.readAll({ fromPosition: 1 }));
      expect(stored!.metadata).toEqual(later.metadata);
    });

    it('takes an event recorded before the head as recorded at the head’s time, and the chain verifies', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(1, { recordedAt: LATER }), NO_STREAM));
      const late = makeTestEvent({ recordedAt: EARLIER, note: 'decided before the report ahead of it committed' });
      const r = await ok(store.append('progress-b', [late], NO_STREAM));
      expect(r).toMatchObject({ positions: [2], alreadyStored: false });
      const stored = (await ok(store.readEvent(late.eventId)))!;
      expect(stored.metadata).toEqual({ ...late.metadata, recordedAt: LATER });
      const v = chainVerifier();
      expect((await ok(store.readAll({ raw: true }))).map((e) => v.check(e)._tag)).toEqual(['ChainOk', 'ChainOk']);
    });

    it('clamps within one batch too, to the event before it', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', [makeTestEvent({ recordedAt: LATER }), makeTestEvent({ recordedAt: EARLIER })], NO_STREAM));
      const log = await ok(store.readAll());
      expect(log.map((e) => e.metadata.recordedAt)).toEqual([LATER, LATER]);
    });

    it('a retried append of a clamped event is still a no-op', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(1, { recordedAt: LATER }), NO_STREAM));
      const late = [makeTestEvent({ recordedAt: EARLIER })];
      const first = await ok(store.append('progress-b', late, NO_STREAM));
      expect(await ok(store.append('progress-b', late, NO_STREAM))).toEqual({ ...first, alreadyStored: true });
      expect(await ok(store.headPosition())).toBe(2);
    });

    it('stored_at never goes backwards, even when the store’s clock does', async () => {
      const store = kit.store();
      kit.clock.set('2030-01-01T00:00:00.000Z');
      await ok(store.append('progress-a', makeTestEvents(1), NO_STREAM));
      kit.clock.set('2029-06-01T00:00:00.000Z');
      await ok(store.append('progress-b', makeTestEvents(2), NO_STREAM));
      kit.clock.set('2031-01-01T00:00:00.000Z');
      await ok(store.append('progress-c', makeTestEvents(1), NO_STREAM));
      const log = await ok(store.readAll({ raw: true }));
      expect(log.map((e) => e.storedAt)).toEqual([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T00:00:00.000Z',
        '2031-01-01T00:00:00.000Z',
      ]);
      const v = chainVerifier();
      expect(log.every((e) => v.check(e)._tag === 'ChainOk')).toBe(true);
    });
  });
};
