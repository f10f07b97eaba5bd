import { encodeEvent, NO_STREAM, type EventStore } from '@minsheng/event-store';
import { inMemoryInternals } from '@minsheng/event-store/testing';
import type { SqliteReadModel } from '@minsheng/projections';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from './testing';

const plan = loadHarbinPlan();
/** better-sqlite3, from the read model's package: the test changes a read-model row behind the ledger. */
const Database = createRequire(require.resolve('@minsheng/projections/package.json'))('better-sqlite3');
const BRIDGES = { task: 19, metric: 't19-dangerous-bridges' };

describe('the ledger refuses to serve what its events do not say', () => {
  let dir: string;
  let store: EventStore;
  let model: SqliteReadModel;
  let ledger: Ledger;
  let opened: HarbinLedger;
  const clock = manualClock('2024-01-05T02:00:00Z');

  beforeEach(async () => {
    opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-integrity-' });
    ({ dir, store, model, ledger } = opened);
    for (const place of ['巴彦县', '木兰县'])
      await run(ledger.report({ ...BRIDGES, place, asOf: '2024-09-30', value: '4', by: 'transport' }));
  });
  afterEach(async () => {
    await opened.close();
  });

  const rows = () => inMemoryInternals(store).rows;

  it('refuses a view, a rebuild and a report once the head’s hash does not match its content, naming its position', async () => {
    const last = rows()[rows().length - 1]!;
    rows()[rows().length - 1] = { ...last, data: last.data.replace('"value":"4"', '"value":"29"') };
    for (const f of [await fail(ledger.status()), await fail(ledger.rebuild()), await fail(ledger.report({ ...BRIDGES, place: '通河县', asOf: '2024-09-30', value: '9', by: 'transport' }))])
      expect(f).toMatchObject({ _tag: 'BrokenChain', position: last.position, reason: "stored hash does not match the event's content" });
    expect(rows()).toHaveLength(last.position);
  });

  it('audits from the events: a read-model row changed behind the ledger is a fault, and the replay gives the events’ figure', async () => {
    const db = new Database(join(dir, 'read.db'));
    db.prepare(`UPDATE rm_figures SET figure = replace(figure, '"value":"4"', '"value":"53"') WHERE position = ?`).run(rows().length);
    db.close();
    const trail = await run(ledger.audit(BRIDGES));
    expect(trail.value).toBe('57');
    expect(trail.replay).toEqual({ value: '8', matches: false });
    expect(trail.faults).toEqual([
      `#${rows().length}: the read model has the figure 53 座, the event says 4 座`,
      'the read model shows 57, the events give 8',
    ]);
    expect(trail.entries.map((e) => [e.value, e.inForce])).toEqual([['4', true], ['4', true]]);
  });

  it('records no completion from a read-model row changed behind the ledger: the figures are replayed from the events first', async () => {
    const ADAPTATIONS = { task: 9, metric: 't09-elderly-home-adaptations' };
    await run(ledger.report({ ...ADAPTATIONS, place: '道里区', asOf: '2024-09-30', value: '700', by: 'civil-affairs' }));
    expect((await run(ledger.status())).rows.find((r) => r.metric === ADAPTATIONS.metric)).toMatchObject({ value: '700', met: false });
    const head = rows().length;
    // 700 of 4700 households becomes 7000 in the read model alone: task 9 would look met.
    const db = new Database(join(dir, 'read.db'));
    db.prepare(`UPDATE rm_figures SET figure = replace(figure, '"value":"700"', '"value":"7000"') WHERE position = ?`).run(head);
    db.close();
    expect(await fail(ledger.status())).toMatchObject({
      _tag: 'ReadModelMismatch',
      message: expect.stringMatching(/^the read model does not match the events behind task 9's figures \(t09-elderly-home-adaptations\): its completion was not recorded; .*run `minsheng verify`, then `minsheng rebuild`/),
    });
    // The audit goes on, records nothing, and names the row at fault.
    const trail = await run(ledger.audit({ ...ADAPTATIONS, place: '道里区' }));
    expect(trail.replay).toEqual({ value: '700', matches: false });
    expect(trail.faults[0]).toBe(`#${head}: the read model has the figure 7000 户, the event says 700 户`);
    expect(trail.outcomes).toEqual([]);
    expect(rows()).toHaveLength(head);
    // Rebuilt from the events, the figure is 700 again, and nothing is owed.
    await run(ledger.rebuild());
    expect((await run(ledger.status())).rows.find((r) => r.metric === ADAPTATIONS.metric)).toMatchObject({ value: '700', met: false });
    expect(rows()).toHaveLength(head);
  });

  it('refuses to serve a read model whose checkpoint is past the log’s head; verify says so', async () => {
    const head = rows().length;
    // The last two events gone, as an owner with the triggers off could do on an SQL store.
    rows().splice(head - 2);
    const ahead = await fail(ledger.status());
    expect(ahead).toMatchObject({ _tag: 'ReadModelMismatch', checkpoint: head, head: head - 2 });
    expect(ahead.message).toContain(`has applied events up to position ${head} but the log ends at ${head - 2}`);
    expect(await run(ledger.verify())).toMatchObject({ ok: false, fault: 'read-model', position: head });
  });

  it('verify names an event whose content fails its schema under a valid hash', async () => {
    const bad = { eventId: '01JB3J5010C8SRM22F7ABG5ZT4', type: 'ProgressReported', schemaVersion: 2, data: { planId: 'harbin-2024', task: 'nineteen' }, metadata: { actor: { unit: 'transport' }, recordedAt: '2024-10-01T02:00:00.000Z', correlationId: 'c' } };
    const stored = inMemoryInternals(store).insert('progress-forged', [encodeEvent(bad as never)], NO_STREAM);
    expect(stored._tag).toBe('Right');
    const v = await run(ledger.verify());
    expect(v).toMatchObject({ ok: false, fault: 'schema', eventId: bad.eventId, position: rows().length });
    expect(v.ok === false && v.reason).toMatch(/^its content fails its schema: event 01JB3J5010C8SRM22F7ABG5ZT4 \(ProgressReported v2\): data\./);
  });
});
