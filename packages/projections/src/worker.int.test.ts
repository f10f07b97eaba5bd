import { ledgerRegistry } from '@minsheng/core';
import { createInMemoryEventStore, NO_STREAM, type EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteReadModel, type SqliteReadModel } from './read-model/sqlite';
import { runWorker } from './worker';
import { stopAfter } from './testing/stop-after';
import { sampleReport } from './testing/sample-report';

const report = sampleReport;

const until = async (cond: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Reports `from` … `to` − 1, on three streams in turn. */
const appendReports = async (store: EventStore, from: number, to: number): Promise<void> => {
  for (let i = from; i < to; i++) await store.append(`s-${i % 3}`, [report(`p${i % 3}`, i)], 'any')();
};
/** A store holding reports 0 … n − 1. */
const storeWithReports = async (n: number): Promise<EventStore> => {
  const store = createInMemoryEventStore({ registry: ledgerRegistry });
  await appendReports(store, 0, n);
  return store;
};

/**
 * The read models of workers a and b on one file, with one clock. `stall(from, to)`: reports
 * `from` … `to` − 1 are appended while a stalls past its lease; b takes the lease, applies them in
 * one batch and releases it.
 */
const twoWorkers = (file: string, store: EventStore) => {
  let now = 1_000_000;
  const a = createSqliteReadModel({ file, now: () => now });
  const b = createSqliteReadModel({ file, now: () => now });
  const stall = async (from: number, to: number): Promise<void> => {
    await appendReports(store, from, to);
    now += 1001;
    expect(await b.writer.acquireLease('ledger-index', 'b', 1000)).toBe(true);
    const more = await store.readAll({ fromPosition: from })();
    if (isLeft(more)) throw new Error(more.left.message);
    expect(await b.writer.applyBatch('ledger-index', from, more.right, 'b')).toBe('applied');
    await b.writer.releaseLease('ledger-index', 'b');
  };
  return {
    a,
    stall,
    close: () => {
      a.close();
      b.close();
    },
  };
};

const headOf = async (store: EventStore): Promise<number> => {
  const h = await store.headPosition()();
  if (isLeft(h)) throw new Error(h.left.message);
  return h.right;
};

/** The owner of the projection's lease while it is live (null: free or expired). */
const liveHolder = async (model: SqliteReadModel): Promise<string | null> => {
  const [state] = await model.reader.projections();
  return state && state.leaseExpiresAt !== null && state.leaseExpiresAt > Date.now() ? state.owner : null;
};

describe('projection workers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-worker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets one worker at a time own a projection, and hands over when the owner stops renewing', async () => {
    const store = await storeWithReports(30);
    const file = join(dir, 'rm.db');
    const a = createSqliteReadModel({ file });
    const b = createSqliteReadModel({ file });
    const leases: string[] = [];
    const stopA = new AbortController();
    const stopB = new AbortController();
    const appliedBy = { a: 0, b: 0 };
    const runA = runWorker({ store, model: a, owner: 'a', leaseMs: 300, pollMs: 20, batchSize: 7, signal: stopA.signal,
      onLease: (h) => leases.push(`a:${h}`), onBatch: (_, n) => (appliedBy.a += n) });
    await until(async () => (await a.reader.checkpoint()) === 30);
    const runB = runWorker({ store, model: b, owner: 'b', leaseMs: 300, pollMs: 20, batchSize: 7, signal: stopB.signal,
      onLease: (h) => leases.push(`b:${h}`), onBatch: (_, n) => (appliedBy.b += n) });
    await new Promise((r) => setTimeout(r, 200));
    expect(leases).toEqual(['a:true']); // b waits while a renews
    stopA.abort(); // a releases its lease on the way out
    await runA;
    await appendReports(store, 30, 50);
    await until(async () => (await b.reader.checkpoint()) === 50);
    expect(leases).toEqual(['a:true', 'b:true']);
    expect(appliedBy).toEqual({ a: 30, b: 20 });
    const [state] = await b.reader.projections();
    expect(state).toMatchObject({ projection: 'ledger-index', checkpoint: 50, owner: 'b' });
    stopB.abort();
    await runB;
    a.close();
    b.close();
  });

  it('refuses a batch from a worker whose lease has expired (fencing)', async () => {
    let now = 1_000_000;
    const model = createSqliteReadModel({ file: join(dir, 'fence.db'), now: () => now });
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    await store.append('s', [report('x', 1)], NO_STREAM)();
    const read = await store.readAll()();
    if (isLeft(read)) throw new Error(read.left.message);
    const events = read.right;
    expect(await model.writer.acquireLease('ledger-index', 'old', 1000)).toBe(true);
    now += 1001; // the old owner stalls past its lease
    expect(await model.writer.acquireLease('ledger-index', 'new', 1000)).toBe(true);
    expect(await model.writer.applyBatch('ledger-index', 0, events, 'old')).toBe('lease-lost');
    expect(await model.writer.applyBatch('ledger-index', 0, events, 'new')).toBe('applied');
    expect(await model.writer.acquireLease('ledger-index', 'old', 1000)).toBe(false);
    model.close();
  });

  it('calls onCaughtUp once it has applied what the log held when it took the lease, though writes never let it run out, and once only', async () => {
    const store = await storeWithReports(30);
    const model = createSqliteReadModel({ file: join(dir, 'busy.db') });
    const stop = new AbortController();
    const caughtUp: { checkpoint: number; head: number; holder: string | null }[] = [];
    let written = 30;
    await runWorker({
      store,
      model,
      owner: 'w',
      batchSize: 7,
      pollMs: 20,
      signal: stop.signal,
      // Each batch applied, more events than a batch are written: the worker never finds the log empty.
      onApplied: async () => {
        if (written >= 300) return stop.abort();
        for (let k = 0; k < 8; k++, written++) await store.append(`s-${written % 3}`, [report(`p${written % 3}`, written)], 'any')();
      },
      onCaughtUp: async (checkpoint) => {
        caughtUp.push({ checkpoint, head: await headOf(store), holder: await liveHolder(model) });
      },
    });
    // The first checkpoint at or past 30, the head when it took the lease, with the log still
    // ahead of it, the lease live; and not again in the same tenure, in the 30-odd batches after.
    expect(caughtUp).toEqual([{ checkpoint: 35, head: 30 + 5 * 8, holder: 'w' }]);
    expect(written).toBe(302);
    model.close();
  });

  it('calls onCaughtUp again when it finds the checkpoint moved by another worker, which held the lease while it stalled', async () => {
    const store = await storeWithReports(30);
    const { a, stall, close } = twoWorkers(join(dir, 'stalled.db'), store);
    const stop = new AbortController();
    const caughtUp: number[] = [];
    const leases: boolean[] = [];
    const batches: number[] = [];
    let batchesThen = -1;
    await runWorker({
      store,
      model: a,
      owner: 'a',
      leaseMs: 1000,
      pollMs: 20,
      signal: stop.signal,
      onLease: (h) => leases.push(h),
      onBatch: (c) => batches.push(c),
      onCaughtUp: async (checkpoint) => {
        caughtUp.push(checkpoint);
        if (caughtUp.length > 1) {
          // Stopped during its sweep, with more to apply: it applies nothing more.
          await store.append('s-0', [report('p0', 40)], 'any')();
          batchesThen = batches.length;
          return stop.abort();
        }
        // a stalls past its lease; b takes it, applies 10 new events in bulk (they reach no
        // policy of b's) and releases it; a, renewing, never finds its lease gone.
        await stall(30, 40);
        // Without a second call the worker would poll on: stop it after a while.
        setTimeout(() => stop.abort(), 2000).unref();
      },
    });
    expect(leases).toEqual([true]);
    expect(caughtUp).toEqual([30, 40]);
    expect(batches).toHaveLength(batchesThen);
    close();
  });

  it('calls onCaughtUp again, after a wait that doubles and with its lease renewed, while it resolves to again, applying batches meanwhile', async () => {
    const store = await storeWithReports(10);
    const model = createSqliteReadModel({ file: join(dir, 'again.db') });
    // However it goes wrong, the worker stops and the expectations below say how.
    const stop = stopAfter(5000);
    const calls: { at: number; checkpoint: number; attempt: number; holder: string | null; expires: number | null }[] = [];
    await runWorker({
      store,
      model,
      owner: 'w',
      pollMs: 50,
      signal: stop.signal,
      onCaughtUp: async (checkpoint, attempt) => {
        const [state] = await model.reader.projections();
        calls.push({ at: performance.now(), checkpoint, attempt, holder: await liveHolder(model), expires: state?.leaseExpiresAt ?? null });
        // Something to apply before the next call: the worker applies it on its next pass, before any poll.
        if (calls.length === 1) await appendReports(store, 10, 15);
        if (calls.length < 3) return 'again';
        // Done: no further call (stopped after a few polls more).
        setTimeout(() => stop.abort(), 300).unref();
      },
    });
    expect(calls.map(({ checkpoint, attempt, holder }) => ({ checkpoint, attempt, holder }))).toEqual([
      { checkpoint: 10, attempt: 1, holder: 'w' },
      { checkpoint: 15, attempt: 2, holder: 'w' },
      { checkpoint: 15, attempt: 3, holder: 'w' },
    ]);
    for (let i = 1; i < calls.length; i++) {
      // A poll, then two: the wait doubles.
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(50 * 2 ** (i - 1));
      // Renewed before each call: it expires later each time.
      expect(calls[i]!.expires).toBeGreaterThan(calls[i - 1]!.expires!);
    }
    model.close();
  });

  it('merges a debt that comes while it waits to call onCaughtUp again into the one owed: the attempts go on counting', async () => {
    const store = await storeWithReports(10);
    const { a, stall, close } = twoWorkers(join(dir, 'new-debt.db'), store);
    const stop = stopAfter(5000);
    const calls: [checkpoint: number, attempt: number][] = [];
    await runWorker({
      store,
      model: a,
      owner: 'a',
      leaseMs: 1000,
      pollMs: 50,
      signal: stop.signal,
      onCaughtUp: async (checkpoint, attempt) => {
        calls.push([checkpoint, attempt]);
        if (calls.length > 1) return stop.abort();
        // While a waits to call again, b (holding the lease a let lapse) moves the checkpoint: a new debt.
        await stall(10, 14);
        return 'again';
      },
    });
    expect(calls).toEqual([
      [10, 1],
      [14, 2],
    ]);
    close();
  });

  it('owes onCaughtUp through a batch whose checks onApplied could not make', async () => {
    const store = await storeWithReports(10);
    const model = createSqliteReadModel({ file: join(dir, 'unchecked.db') });
    const stop = stopAfter(5000);
    const calls: [checkpoint: number, attempt: number][] = [];
    let applied = 0;
    await runWorker({
      store,
      model,
      owner: 'w',
      pollMs: 20,
      signal: stop.signal,
      onApplied: async (events) => {
        applied += events.length;
        // The second batch's checks cannot be made.
        if (events[0]!.position > 10) return 'unchecked';
      },
      onCaughtUp: async (checkpoint, attempt) => {
        calls.push([checkpoint, attempt]);
        if (calls.length === 1) await appendReports(store, 10, 13);
        else stop.abort();
      },
    });
    expect(applied).toBe(13);
    expect(calls).toEqual([
      [10, 1],
      [13, 1],
    ]);
    model.close();
  });
});
