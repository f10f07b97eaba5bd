import { ledgerRegistry, newEventId } from '@minsheng/core';
import { createInMemoryEventStore, NO_STREAM } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteReadModel } from './read-model/sqlite';
import { runWorker } from './worker';

const report = (place: string, i: number) => ({
  eventId: newEventId(),
  type: 'ProgressReported',
  schemaVersion: 2,
  data: { planId: 'p', task: 1, metric: 'm', place, asOf: '2024-03-01', figure: { kind: 'quantity', value: String(i), unit: '个' } },
  metadata: { actor: { unit: 'u' }, recordedAt: new Date(Date.UTC(2024, 2, 1, 0, 0, i)).toISOString(), correlationId: 'c' },
});

const until = async (cond: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('projection workers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-worker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets one worker at a time own a projection, and hands over when the owner stops renewing', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    for (let i = 0; i < 30; i++) await store.append(`s-${i % 3}`, [report(`p${i % 3}`, i)], 'any')();
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
    for (let i = 30; i < 50; i++) await store.append(`s-${i % 3}`, [report(`p${i % 3}`, i)], 'any')();
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

  it('calls onCaughtUp once it has applied what the log held when it took the lease, though writes never let it run out', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    for (let i = 0; i < 30; i++) await store.append(`s-${i % 3}`, [report(`p${i % 3}`, i)], 'any')();
    const model = createSqliteReadModel({ file: join(dir, 'busy.db') });
    const stop = new AbortController();
    const caughtUp: { checkpoint: number; head: number; held: string | null }[] = [];
    let written = 30;
    const headNow = async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      return h.right;
    };
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
        const [state] = await model.reader.projections();
        caughtUp.push({ checkpoint, head: await headNow(), held: state?.owner ?? null });
        stop.abort();
      },
    });
    // The first checkpoint at or past 30, the head when it took the lease, with the log still ahead of it.
    expect(caughtUp).toEqual([{ checkpoint: 35, head: 30 + 5 * 8, held: 'w' }]);
    model.close();
  });
});
