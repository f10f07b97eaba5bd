import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createLedger } from './ledger';
import { fail, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from './testing';

const plan = loadHarbinPlan();
/** better-sqlite3, from the read model's package: the test changes a read-model row behind the ledger. */
const Database = createRequire(require.resolve('@minsheng/projections/package.json'))('better-sqlite3');
const ROADS = { task: 19, metric: 't19-rural-roads' };
const ADAPTATIONS = { task: 9, metric: 't09-elderly-home-adaptations' };

/*
 * A view asked again while the read model holds the same rows is the one kept (the same rows
 * object); anything the view depends on that changed gives a view computed anew.
 */
describe('views kept between calls', () => {
  let opened: HarbinLedger;
  const clock = manualClock('2024-01-05T02:00:00Z');
  const roads = (v: { rows: readonly { metric: string; value: string | null }[] }) => v.rows.find((r) => r.metric === ROADS.metric)?.value;

  beforeEach(async () => {
    opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-kept-views-' });
    await run(opened.ledger.report({ ...ROADS, place: '巴彦县', asOf: '2024-09-30', value: '40', by: 'transport' }));
  });
  afterEach(async () => {
    await opened.close();
  });

  it('answers the same view from the one kept, at each call’s own moment, until a report or a correction is appended', async () => {
    const { ledger } = opened;
    const first = await run(ledger.status());
    clock.set('2024-10-01T05:00:00Z');
    const again = await run(ledger.status());
    // Kept: no row recorded after the last event, so a later "now" the same day reads the same rows.
    expect(again.rows).toBe(first.rows);
    expect([first.knownAt, again.knownAt]).toEqual(['2024-10-01T02:00:00.000Z', '2024-10-01T05:00:00.000Z']);
    // The next day (in the plan's time zone) is another asOf: its schedule differs.
    clock.set('2024-10-02T02:00:00Z');
    const nextDay = await run(ledger.status());
    expect(nextDay.rows).not.toBe(first.rows);
    expect(nextDay.asOf).toBe('2024-10-02');
    const reported = await run(ledger.report({ ...ROADS, place: '木兰县', asOf: '2024-09-30', value: '7', by: 'transport' }));
    const after = await run(ledger.status());
    expect(after.rows).not.toBe(first.rows);
    expect([roads(first), roads(after)]).toEqual(['40', '47']);
    await run(ledger.correct({ eventId: reported.eventId, value: '9', by: 'transport', reason: 'miscounted' }));
    expect(roads(await run(ledger.status()))).toBe('49');
  });

  it('keeps a view per asOf, knownAt, grouping and place: none is served from another’s entry', async () => {
    const { ledger } = opened;
    const now = await run(ledger.status());
    const june = await run(ledger.status({ asOf: '2024-06-30' }));
    // The same asOf, known before the report and after it.
    const known = await run(ledger.status({ asOf: '2024-09-30' }));
    const before = await run(ledger.status({ asOf: '2024-09-30', knownAt: '2024-09-30T00:00:00Z' }));
    expect([roads(now), roads(june), roads(known), roads(before)]).toEqual(['40', null, '40', null]);
    expect([june.asOf, before.knownAt]).toEqual(['2024-06-30', '2024-09-30T00:00:00.000Z']);
    const district = await run(ledger.status({ groupBy: 'district', place: '巴彦县' }));
    const other = await run(ledger.status({ groupBy: 'district', place: '木兰县' }));
    expect(district.rows).not.toBe(other.rows);
    expect([roads(district), roads(other)]).toEqual(['40', null]);
    // Each again: its own entry.
    expect((await run(ledger.status({ asOf: '2024-06-30' }))).rows).toBe(june.rows);
    expect((await run(ledger.status({ asOf: '2024-09-30', knownAt: '2024-09-30T00:00:00Z' }))).rows).toBe(before.rows);
    expect((await run(ledger.status({ asOf: '2024-09-30' }))).rows).toBe(known.rows);
    expect((await run(ledger.status({ groupBy: 'district', place: '木兰县' }))).rows).toBe(other.rows);
    expect((await run(ledger.status())).rows).toBe(now.rows);
  });

  it('returns a frozen view: a caller cannot change the one kept', async () => {
    const { ledger } = opened;
    const view = await run(ledger.status());
    const row = view.rows.find((r) => r.metric === ROADS.metric)!;
    expect(() => {
      (row as { value: string | null }).value = '4000';
    }).toThrow(TypeError);
    expect(roads(await run(ledger.status()))).toBe('40');
  });

  it('still refuses a read model changed behind the ledger with the view kept', async () => {
    const { ledger, dir, store } = opened;
    await run(ledger.report({ ...ADAPTATIONS, place: '道里区', asOf: '2024-09-30', value: '700', by: 'civil-affairs' }));
    const kept = await run(ledger.status());
    expect((await run(ledger.status())).rows).toBe(kept.rows);
    const head = await run(store.headPosition());
    // 700 of 4700 households becomes 7000 in the read model alone: task 9 would look met.
    const db = new Database(join(dir, 'read.db'));
    db.prepare(`UPDATE rm_figures SET figure = replace(figure, '"value":"700"', '"value":"7000"') WHERE position = ?`).run(head);
    db.close();
    expect(await fail(ledger.status())).toMatchObject({ _tag: 'ReadModelMismatch', message: expect.stringMatching(/^the read model does not match the events behind task 9's figures/) });
    // And the hash it applied at its checkpoint changed: refused before anything is served.
    await run(ledger.rebuild());
    await run(ledger.status());
    const db2 = new Database(join(dir, 'read.db'));
    db2.prepare(`UPDATE rm_figures SET hash = ? WHERE position = ?`).run('e'.repeat(64), head);
    db2.close();
    expect(await fail(ledger.status())).toMatchObject({ _tag: 'ReadModelMismatch', code: 'readModel.otherEvent', checkpoint: head });
  });

  it('computes every view with keepViews off', async () => {
    const ledger = createLedger({ store: opened.store, readModel: opened.model, clock, keepViews: false });
    const first = await run(ledger.status());
    const again = await run(ledger.status());
    expect(again.rows).not.toBe(first.rows);
    expect(again).toEqual(first);
    expect(Object.isFrozen(first.rows)).toBe(false);
  });
});
