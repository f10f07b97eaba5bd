import { ledgerRegistry } from '@minsheng/core';
import { left } from 'fp-ts/Either';
import { catchUp, iterateAll, iterateBatches, StoreFailure } from './catch-up';
import { storeUnavailable } from './errors';
import { NO_STREAM } from './expected-revision';
import { createInMemoryEventStore } from './in-memory';
import type { EventStore, ReadAllOptions } from './port';
import { makeTestEvents, ok, waitFor } from './testing';

const filled = async (count: number, batch = 100) => {
  const store = createInMemoryEventStore({ registry: ledgerRegistry });
  for (let i = 0; i * batch < count; i++) await ok(store.append(`progress-${i}`, makeTestEvents(Math.min(batch, count - i * batch)), NO_STREAM));
  return store;
};

/** Records every readAll call, and fails the call numbered `failAt` (1-based). */
const watched = (store: EventStore, failAt = Infinity) => {
  const calls: ReadAllOptions[] = [];
  return {
    calls,
    readAll: (o: ReadAllOptions = {}) => {
      calls.push(o);
      return calls.length === failAt ? async () => left(storeUnavailable(new Error('disk went away'))) : store.readAll(o);
    },
  };
};

describe('catchUp', () => {
  it('delivers batches of at most batchSize in global order, then polls for new events', async () => {
    const store = await filled(25, 5);
    const batches: number[][] = [];
    const sub = catchUp(store, { fromPosition: 0, batchSize: 10, pollIntervalMs: 5, onEvents: async (b) => void batches.push(b.map((e) => e.position)) });
    await waitFor(() => batches.flat().length === 25, 'the first 25');
    await ok(store.append('progress-late', makeTestEvents(3), NO_STREAM));
    await waitFor(() => batches.flat().length === 28, 'the late events');
    await sub.stop();
    expect(batches.slice(0, 3).map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  });

  it('signals once each time it reaches the head of the log, not on every poll', async () => {
    const store = await filled(25, 5);
    const heads: number[] = [];
    let delivered = 0;
    const sub = catchUp(store, {
      fromPosition: 0,
      batchSize: 10,
      pollIntervalMs: 5,
      onEvents: async (b) => void (delivered += b.length),
      onReachedHead: (position) => void heads.push(position),
    });
    await waitFor(() => heads.length === 1, 'the head');
    // Every event was delivered before the signal.
    expect(delivered).toBe(25);
    // About ten polls find nothing new: none of them signals again.
    await new Promise((r) => setTimeout(r, 50));
    await ok(store.append('progress-late', makeTestEvents(3), NO_STREAM));
    await waitFor(() => heads.length === 2, 'the head again');
    await sub.stop();
    expect(heads).toEqual([25, 28]);
  });

  it('rejects done with a StoreFailure carrying the read error', async () => {
    const store = await filled(10, 5);
    const reader = watched(store, 2);
    const seen: number[] = [];
    const sub = catchUp(reader, { fromPosition: 0, batchSize: 4, onEvents: async (b) => void seen.push(...b.map((e) => e.position)) });
    const failure = await sub.done.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreFailure);
    expect((failure as StoreFailure).error).toMatchObject({ _tag: 'StoreUnavailable' });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('wakes from its poll interval at once when stopped', async () => {
    const store = await filled(1);
    const sub = catchUp(store, { fromPosition: 1, pollIntervalMs: 60_000, onEvents: async () => undefined });
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await sub.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a negative position or a batch size below 1', async () => {
    const store = await filled(1);
    await expect(catchUp(store, { fromPosition: -1, onEvents: async () => undefined }).done).rejects.toMatchObject({ error: { _tag: 'InvalidArgument' } });
    await expect(catchUp(store, { fromPosition: 0, batchSize: 0, onEvents: async () => undefined }).done).rejects.toBeInstanceOf(StoreFailure);
  });
});

describe('iterateAll', () => {
  it('pages through the whole log in order, never asking for more than one batch', async () => {
    const store = await filled(2_000);
    const reader = watched(store);
    let expected = 1;
    for await (const e of iterateAll(reader, { batchSize: 333 })) expect(e.position).toBe(expected++);
    expect(expected).toBe(2_001);
    expect(reader.calls.every((c) => c.maxCount === 333)).toBe(true);
    expect(reader.calls).toHaveLength(Math.ceil(2_000 / 333) + 1);
  });

  it('starts after fromPosition, stops at toPosition, and passes raw on', async () => {
    const store = await filled(50, 10);
    const reader = watched(store);
    const positions: number[] = [];
    for await (const batch of iterateBatches(reader, { fromPosition: 12, toPosition: 31, batchSize: 7, raw: true })) positions.push(...batch.map((e) => e.position));
    expect(positions).toEqual(Array.from({ length: 19 }, (_, i) => i + 13));
    expect(reader.calls.every((c) => c.raw === true)).toBe(true);
  });

  it('throws a StoreFailure when a read fails', async () => {
    const store = await filled(30, 10);
    const iterate = async () => {
      for await (const _ of iterateAll(watched(store, 2), { batchSize: 10 }));
    };
    await expect(iterate()).rejects.toBeInstanceOf(StoreFailure);
  });
});
