import { chainVerifier, ledgerRegistry } from '@minsheng/core';
import { NO_STREAM, type EventStore } from '@minsheng/event-store';
import { fails, makeTestEvents, ok } from '@minsheng/event-store/testing';
import { openPostgresEventStore, type StoreHooks } from './store';
import { usePostgres } from './testing';

/*
 * Group commit: single appends made while others are being written share one transaction.
 * Appends made in the same tick always form one group, so each test knows its groups; the
 * beforeCommit hook runs once a transaction and records what each one wrote.
 */

const pg = usePostgres();
let schemas = 0;

describe('group commit', () => {
  let store: EventStore;
  let groups: { streams: string[]; positions: readonly number[] }[];
  let failNext: boolean;
  beforeEach(async () => {
    groups = [];
    failNext = false;
    const hooks: StoreHooks = {
      beforeCommit: async (streams, positions) => {
        groups.push({ streams: streams.split(','), positions });
        if (failNext) throw new Error('the group failed before COMMIT');
      },
    };
    store = await openPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema: `grouped_${++schemas}`, poolSize: 4 }, hooks);
  });
  afterEach(() => store.close());

  it('writes concurrent appends on distinct streams in one transaction, in order, with one valid chain', async () => {
    const streams = Array.from({ length: 32 }, (_, i) => `progress-${i}`);
    const results = await Promise.all(streams.map((s) => ok(store.append(s, makeTestEvents(2), NO_STREAM))));
    expect(results.map((r) => r.positions)).toEqual(streams.map((_, i) => [2 * i + 1, 2 * i + 2]));
    expect(groups).toEqual([{ streams, positions: Array.from({ length: 64 }, (_, i) => i + 1) }]);

    const log = await ok(store.readAll({ raw: true }));
    const verifier = chainVerifier();
    for (const e of log) expect(verifier.check(e)).toEqual({ _tag: 'ChainOk' });
    expect(verifier.count).toBe(64);
    // A checked read of every page, and of each stream, finds the chain unbroken.
    expect(await ok(store.readAll({ maxCount: 7, fromPosition: 20 }))).toHaveLength(7);
    for (const s of streams) expect((await ok(store.readStream(s))).map((e) => e.revision)).toEqual([0, 1]);

    // Later groups chain onto the first.
    await Promise.all(streams.slice(0, 3).map((s) => ok(store.append(s, makeTestEvents(1), 1))));
    const after = await ok(store.readAll({ fromPosition: 64 }));
    expect(after.map((e) => e.position)).toEqual([65, 66, 67]);
    expect(after[0]!.prevHash).toBe(log[63]!.hash);
  });

  it('refuses a conflicting append alone: it writes nothing, and the others in its group commit', async () => {
    await ok(store.append('progress-b', makeTestEvents(1), NO_STREAM));
    groups = [];
    const refused = makeTestEvents(2);
    const [a, b, c] = await Promise.all([
      store.append('progress-a', makeTestEvents(1), NO_STREAM)(),
      store.append('progress-b', refused, 5)(),
      store.append('progress-c', makeTestEvents(1), NO_STREAM)(),
    ]);
    expect(a).toMatchObject({ _tag: 'Right', right: { positions: [2] } });
    expect(b).toMatchObject({ _tag: 'Left', left: { _tag: 'ConcurrencyError', stream: 'progress-b', expected: 5, actual: 0 } });
    expect(c).toMatchObject({ _tag: 'Right', right: { positions: [3] } });
    expect(groups).toEqual([{ streams: ['progress-a', 'progress-c'], positions: [2, 3] }]);
    for (const e of refused) expect(await ok(store.readEvent(e.eventId))).toBeNull();
    expect(await ok(store.streamRevision('progress-b'))).toBe(0);
    const log = await ok(store.readAll());
    expect(log[2]!.prevHash).toBe(log[1]!.hash);
  });

  it('checks each append against the revision the appends before it in its group left', async () => {
    const [first, second, stale] = await Promise.all([
      store.append('progress-a', makeTestEvents(2), NO_STREAM)(),
      store.append('progress-a', makeTestEvents(1), 1)(),
      store.append('progress-a', makeTestEvents(1), 1)(),
    ]);
    expect(first).toMatchObject({ _tag: 'Right', right: { positions: [1, 2], nextRevision: 1 } });
    expect(second).toMatchObject({ _tag: 'Right', right: { positions: [3], nextRevision: 2 } });
    expect(stale).toMatchObject({ _tag: 'Left', left: { _tag: 'ConcurrencyError', expected: 1, actual: 2 } });
    expect(groups).toHaveLength(1);
  });

  it('answers an idempotent retry in the same group, and after it, with the positions first stored', async () => {
    const events = makeTestEvents(2);
    const [stored, retried] = await Promise.all([store.append('progress-a', events, NO_STREAM)(), store.append('progress-a', events, NO_STREAM)()]);
    expect(stored).toMatchObject({ _tag: 'Right', right: { positions: [1, 2], alreadyStored: false } });
    expect(retried).toMatchObject({ _tag: 'Right', right: { positions: [1, 2], alreadyStored: true } });
    expect(await ok(store.append('progress-a', events, NO_STREAM))).toMatchObject({ positions: [1, 2], alreadyStored: true });
    expect(await ok(store.headPosition())).toBe(2);
    // A group of retries alone writes nothing, so it commits nothing and runs no hook.
    expect(groups).toHaveLength(1);
  });

  it('fails every append of a group that fails before COMMIT, and writes none of them', async () => {
    failNext = true;
    const failed = await Promise.all(['progress-a', 'progress-b'].map((s) => fails(store.append(s, makeTestEvents(1), NO_STREAM), 'StoreUnavailable')));
    for (const f of failed) expect(f.message).toContain('the group failed before COMMIT');
    expect(await ok(store.headPosition())).toBe(0);
    failNext = false;
    expect(await ok(store.append('progress-a', makeTestEvents(1), NO_STREAM))).toMatchObject({ positions: [1] });
  });
});
