import { chainVerifier, ledgerRegistry } from '@minsheng/core';
import { createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger } from './ledger';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

const plan = loadHarbinPlan();
const planEvents = 1 + plan.tasks.reduce((n, t) => n + t.metrics.length, 0);

describe('plan import is one atomic append', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-import-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes nothing when the store fails part way through the plan, and imports whole once it works', async () => {
    const file = join(dir, 'ledger.db');
    const clock = manualClock('2024-01-05T02:00:00Z');
    const store = createSqliteEventStore({ file, registry: ledgerRegistry, clock });
    // The file refuses its sixth event, as a full disk would refuse a write part way through.
    const other = new Database(file);
    other.exec(`CREATE TRIGGER disk_full_at_six BEFORE INSERT ON events WHEN NEW.position = 6
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const model = createSqliteReadModel({ file: join(dir, 'read.db') });
    const ledger = createLedger({ store, readModel: model, clock });

    const e = await fail(ledger.importPlan(plan));
    expect(e).toMatchObject({ _tag: 'StoreUnavailable' });
    expect(e.message).toContain('database or disk is full');
    expect(await run(store.headPosition())).toBe(0);

    other.exec('DROP TRIGGER disk_full_at_six');
    other.close();
    expect(await run(ledger.importPlan(plan))).toEqual({ planId: plan.id, written: planEvents });
    const log = await run(store.readAll({ raw: true }));
    const v = chainVerifier();
    expect(log.every((event) => v.check(event)._tag === 'ChainOk')).toBe(true);
    expect(await run(ledger.importPlan(plan))).toEqual({ planId: plan.id, written: 0 });
    model.close();
    await store.close();
  });

  it('makes one call to the store, and none for an unchanged plan', async () => {
    const inner = createInMemoryEventStore({ registry: ledgerRegistry });
    const calls: string[] = [];
    const store: EventStore = {
      ...inner,
      append: (stream, events, expected) => (calls.push(`append ${stream}`), inner.append(stream, events, expected)),
      appendBatches: (batches) => (calls.push(`appendBatches ×${batches.length}`), inner.appendBatches(batches)),
    };
    const ledger = createLedger({ store, readModel: createSqliteReadModel({ file: ':memory:' }), clock: manualClock('2024-01-05T02:00:00Z') });
    expect(await run(ledger.importPlan(plan))).toEqual({ planId: plan.id, written: planEvents });
    expect(calls).toEqual([`appendBatches ×${1 + plan.tasks.length}`]);
    expect(await run(ledger.importPlan(plan))).toEqual({ planId: plan.id, written: 0 });
    expect(calls).toHaveLength(1);
  });
});
