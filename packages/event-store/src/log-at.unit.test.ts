import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM } from './expected-revision';
import { createInMemoryEventStore } from './in-memory';
import { logAt } from './log-at';
import { treeOfEvents } from './log-tree';
import { makeTestEvent, ok } from './testing';

/** Reports recorded at these times, in this order of append (the third's clock ran behind: the store records it at the second's time). */
const TIMES = ['2024-07-01T09:00:00+08:00', '2024-07-02T09:00:00+08:00', '2024-07-01T18:00:00+08:00', '2024-07-03T09:00:00+08:00'];

const storeWith = async () => {
  const store = createInMemoryEventStore({ registry: ledgerRegistry });
  await ok(store.append('progress-a', TIMES.map((recordedAt, i) => makeTestEvent({ recordedAt, value: String(10 + i) })), NO_STREAM));
  const events = await ok(store.readAll({ raw: true }));
  return { store, events, tree: treeOfEvents(events) };
};

describe('logAt: what the log held at a moment', () => {
  it('names the whole log at or after its last recorded time', async () => {
    const { store, events, tree } = await storeWith();
    expect(await logAt(store, new Date('2024-07-03T09:00:00+08:00'))).toEqual({ size: 4, hash: events[3]!.hash, root: tree.root(4).toString('hex') });
    expect(await logAt(store, new Date('2030-01-01T00:00:00Z'))).toEqual({ size: 4, hash: events[3]!.hash, root: tree.root(4).toString('hex') });
  });

  it('names the prefix recorded by the moment, at every moment between two events', async () => {
    const { store, events, tree } = await storeWith();
    expect(events.map((e) => (e.metadata as { recordedAt: string }).recordedAt)).toEqual([TIMES[0], TIMES[1], TIMES[1], TIMES[3]]);
    const cases: Array<[string, number]> = [
      ['2024-07-01T09:00:00+08:00', 1],
      ['2024-07-01T20:00:00+08:00', 1],
      ['2024-07-02T09:00:00+08:00', 3],
      ['2024-07-02T23:59:59+08:00', 3],
      ['2024-07-03T08:59:59.999+08:00', 3],
    ];
    for (const [moment, size] of cases)
      expect([moment, await logAt(store, new Date(moment))]).toEqual([moment, { size, hash: events[size - 1]!.hash, root: tree.root(size).toString('hex') }]);
  });

  it('agrees with a scan of the log on a longer log, at every recorded time', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    const times = Array.from({ length: 37 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 3))).toISOString());
    await ok(store.append('progress-b', times.map((recordedAt, i) => makeTestEvent({ recordedAt, value: String(i) })), NO_STREAM));
    const events = await ok(store.readAll({ raw: true }));
    for (const t of [...new Set(times)]) {
      const scanned = events.filter((e) => (e.metadata as { recordedAt: string }).recordedAt <= t).length;
      expect((await logAt(store, new Date(t))).size).toBe(scanned);
    }
  });

  it('names the empty prefix before the first event, with the empty tree root', async () => {
    const { store } = await storeWith();
    expect(await logAt(store, new Date('2024-06-30T00:00:00Z'))).toEqual({ size: 0, hash: null, root: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(await logAt(createInMemoryEventStore({ registry: ledgerRegistry }), new Date())).toEqual({ size: 0, hash: null, root: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });
});
