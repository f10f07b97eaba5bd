import type { StoredEvent } from '@minsheng/core';
import { ANY, NO_STREAM } from '../expected-revision';
import { makeTestEvents } from './factory';
import { fails, ok, oneTo, sleep, waitFor, type Kit } from './harness';

const S = 'progress-7-daoli';

export const subscribeContract = (kit: Kit) => {
  describe('subscribe', () => {
    it('delivers the log in order, then what is appended after it started; stop ends it', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(5), NO_STREAM));
      const seen: StoredEvent[] = [];
      const sub = store.subscribe({ fromPosition: 0, batchSize: 2, pollIntervalMs: 5, onEvents: async (b) => void seen.push(...b) });
      await waitFor(() => seen.length === 5, 'the first five events');
      for (let i = 0; i < 4; i++) await ok(store.append(i % 2 ? S : 'progress-7-nangang', makeTestEvents(2), ANY));
      await waitFor(() => seen.length === 13, 'the later events');

      await sub.stop();
      await expect(sub.done).resolves.toBeUndefined();
      expect(seen).toEqual(await ok(store.readAll()));
      expect(seen.map((e) => e.position)).toEqual(oneTo(13));

      await ok(store.append(S, makeTestEvents(1), ANY));
      await sleep(40);
      expect(seen).toHaveLength(13);
    });

    it('starts after the given position', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(8), NO_STREAM));
      const seen: number[] = [];
      const sub = store.subscribe({ fromPosition: 5, pollIntervalMs: 5, onEvents: async (b) => void seen.push(...b.map((e) => e.position)) });
      await waitFor(() => seen.length === 3, 'events 6 to 8');
      await sub.stop();
      expect(seen).toEqual([6, 7, 8]);
    });

    it('waits for onEvents before reading the next batch', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(20), NO_STREAM));
      let inFlight = 0;
      let overlapped = false;
      const sizes: number[] = [];
      const sub = store.subscribe({
        fromPosition: 0,
        batchSize: 3,
        pollIntervalMs: 5,
        onEvents: async (b) => {
          overlapped ||= ++inFlight > 1;
          sizes.push(b.length);
          await sleep(3);
          inFlight--;
        },
      });
      await waitFor(() => sizes.reduce((a, b) => a + b, 0) === 20, 'all twenty events');
      await sub.stop();
      expect(overlapped).toBe(false);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    });

    it('stop waits for the batch in hand', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(3), NO_STREAM));
      let finished = false;
      let started = false;
      const sub = store.subscribe({
        fromPosition: 0,
        onEvents: async () => {
          started = true;
          await sleep(30);
          finished = true;
        },
      });
      await waitFor(() => started, 'the first batch');
      await sub.stop();
      expect(finished).toBe(true);
    });

    it('ends with done rejected when onEvents fails', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(3), NO_STREAM));
      const sub = store.subscribe({ fromPosition: 0, onEvents: async () => Promise.reject(new Error('read model is full')) });
      await expect(sub.done).rejects.toThrow('read model is full');
      await expect(sub.stop()).resolves.toBeUndefined();
    });

    const when = (possible: boolean) => (possible ? it : it.skip);
    when(!!kit.corrupt)('ends with done rejected when a read fails', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(3), NO_STREAM));
      await kit.corrupt!(2, { kind: 'bytes' });
      const seen: number[] = [];
      const sub = store.subscribe({ fromPosition: 0, batchSize: 1, onEvents: async (b) => void seen.push(...b.map((e) => e.position)) });
      await expect(sub.done).rejects.toMatchObject({ error: { _tag: 'CorruptEvent', position: 2 } });
      expect(seen).toEqual([1]);
    });
  });

  describe('close', () => {
    it('stops the store’s subscriptions, then refuses further calls', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(2), NO_STREAM));
      const seen: StoredEvent[] = [];
      const sub = store.subscribe({ fromPosition: 0, pollIntervalMs: 5, onEvents: async (b) => void seen.push(...b) });
      await waitFor(() => seen.length === 2, 'the events');

      await store.close();
      await expect(sub.done).resolves.toBeUndefined();
      await fails(store.append(S, makeTestEvents(1), ANY), 'StoreUnavailable');
      await fails(store.readAll(), 'StoreUnavailable');
      await fails(store.headPosition(), 'StoreUnavailable');
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
};
