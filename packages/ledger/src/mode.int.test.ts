import { fixedClock, ledgerRegistry, type StoredEvent } from '@minsheng/core';
import { createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { createSqliteReadModel } from '@minsheng/projections';
import Database from 'better-sqlite3';
import { createLedger, type Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

const plan = loadHarbinPlan();
const daoli = { task: 3, metric: 't03-child-friendly-communities', place: 'daoli', asOf: '2024-09-30', value: '12', by: '市妇联' };

const open = (clock = manualClock('2024-01-05T02:00:00Z')) => {
  const store = createInMemoryEventStore({ registry: ledgerRegistry });
  const ledger = createLedger({ store, readModel: createSqliteReadModel({ file: ':memory:' }), clock });
  return { store, ledger, clock };
};
const log = async (store: EventStore): Promise<readonly StoredEvent[]> => run(store.readAll());
const recordedAt = (e: StoredEvent) => Date.parse(e.metadata.recordedAt);

describe('ledger modes: who may set the recorded time', () => {
  it('a production ledger records every write by the system clock, whatever clock it was given; queries replay at that clock', async () => {
    const { store, ledger } = open(manualClock('2020-01-01T00:00:00Z'));
    expect(await run(ledger.init('production'))).toEqual({ mode: 'production', created: true, head: 1 });
    const before = Date.now();
    await run(ledger.importPlan(plan));
    const r = await run(ledger.report(daoli));
    const after = Date.now();
    const events = await log(store);
    expect(events[0]).toMatchObject({ type: 'LedgerCreated', stream: 'ledger', position: 1, data: { mode: 'production' } });
    for (const e of events.slice(1)) {
      expect(recordedAt(e)).toBeGreaterThanOrEqual(before);
      expect(recordedAt(e)).toBeLessThanOrEqual(after);
    }
    expect(events.every((e) => e.metadata.mode === 'production')).toBe(true);
    // The given clock (2020) still answers queries: then, the ledger knew nothing of the plan.
    expect((await fail(ledger.status())).message).toMatch(/before plan harbin-2024 was recorded/);
    expect((await run(createLedger({ store, readModel: createSqliteReadModel({ file: ':memory:' }) }).status())).rows.length).toBeGreaterThan(0);
    expect(r.position).toBe(events.length);
  });

  it('a ledger without LedgerCreated (made before modes) is production', async () => {
    const { store, ledger } = open(manualClock('2020-01-01T00:00:00Z'));
    await run(ledger.importPlan(plan));
    expect(await run(ledger.setting())).toMatchObject({ mode: 'production', recorded: false });
    expect(recordedAt((await log(store))[0]!)).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(await fail(ledger.init('simulated'))).toMatchObject({ _tag: 'ModeRefused', mode: 'production', asked: 'simulated' });
    expect(await run(ledger.init('production'))).toMatchObject({ created: false });
  });

  it('a simulated ledger records by its clock, marks every event simulated, and its clock moves forward only', async () => {
    const { store, ledger, clock } = open();
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(plan));
    clock.set('2024-10-01T02:00:00Z');
    await run(ledger.report(daoli));
    const head = await run(store.headPosition());
    clock.set('2024-09-01T02:00:00Z');
    const behind = await fail(ledger.report({ ...daoli, value: '13' }));
    expect(behind).toMatchObject({ _tag: 'ClockBehindLedger', at: '2024-09-01T02:00:00.000Z', head: { position: head, recordedAt: '2024-10-01T02:00:00.000Z' } });
    expect(behind.message).toBe(
      `the clock reads 2024-09-01T02:00:00.000Z, before the ledger's latest event (position ${head}, recorded at 2024-10-01T02:00:00.000Z); a simulated ledger's clock moves forward only`,
    );
    expect(await fail(ledger.checkDeadlines())).toMatchObject({ _tag: 'ClockBehindLedger' });
    expect(await run(store.headPosition())).toBe(head);
    const events = await log(store);
    expect(events.every((e) => e.metadata.mode === 'simulated')).toBe(true);
    expect(events.map((e) => e.metadata.recordedAt).slice(-1)).toEqual(['2024-10-01T02:00:00.000Z']);
  });

  it('a mode is fixed: a second LedgerCreated is not written, the other mode is refused', async () => {
    const { store, ledger } = open();
    await run(ledger.init('simulated'));
    expect(await run(ledger.init('simulated'))).toEqual({ mode: 'simulated', created: false, head: 1 });
    expect(await fail(ledger.init('production'))).toMatchObject({ _tag: 'ModeRefused', mode: 'simulated', asked: 'production' });
    const production = open();
    await run(production.ledger.init('production'));
    expect((await fail(production.ledger.init('simulated'))).message).toBe(
      'the ledger is a production ledger (1 event); its mode was fixed when it was created and cannot become simulated',
    );
    expect(await run(store.headPosition())).toBe(1);
  });

  it('a dry run of the deadline check decides by the given clock and writes nothing', async () => {
    const { store, ledger } = open(fixedClock('2030-01-01T00:00:00+08:00') as never);
    await run(ledger.importPlan(plan));
    const head = await run(store.headPosition());
    const wouldRecord = await run(ledger.checkDeadlines(undefined, { dryRun: true }));
    expect(wouldRecord.length).toBeGreaterThan(0);
    expect(await run(store.headPosition())).toBe(head);
    // Every deadline of 2024 has passed by the system clock too: the real check records the same.
    expect(await run(ledger.checkDeadlines())).toEqual(wouldRecord);
    expect(await run(store.headPosition())).toBeGreaterThan(head);
  });
});

describe('a failure after the append says what was written', () => {
  it('WrittenButNotProjected carries the event id and position; the event is stored once, and a catch-up shows it', async () => {
    const { store, ledger, clock } = open();
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(plan));
    clock.set('2024-10-01T02:00:00Z');
    const db = new Database(':memory:');
    const full = createLedger({ store, readModel: createSqliteReadModel({ db }), clock });
    await run(full.project());
    db.exec(
      `CREATE TRIGGER disk_full BEFORE INSERT ON rm_figures BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );
    const e = await fail(full.report(daoli));
    const head = await run(store.headPosition());
    expect(e).toMatchObject({ _tag: 'WrittenButNotProjected', written: [{ position: head, eventId: expect.stringMatching(/^[0-9A-Z]{26}$/) }] });
    if (e._tag !== 'WrittenButNotProjected') throw new Error('unreachable');
    expect(e.message).toBe(`event ${e.written[0]!.eventId} was written at position ${head}, but the read model was not brought up to date: ledger-index: applying positions ${head}..${head} failed: database or disk is full`);
    expect((await run(store.readEvent(e.written[0]!.eventId)))?.type).toBe('ProgressReported');
    db.exec('DROP TRIGGER disk_full');
    await run(full.project());
    expect((await run(full.status({ by: 'district', place: 'daoli' }))).rows.find((r) => r.metric === daoli.metric)?.value).toBe('12');
    expect(await run(store.headPosition())).toBe(head);
  });
});
