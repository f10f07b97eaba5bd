import type { UnitViewRow, View } from '@minsheng/projections';
import { fail, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from './testing';

/*
 * One meaning per word: `responsibleUnit` (who reports, whose view), `measure` (a unit of
 * measure), `groupBy` (how a view is grouped), `knownAt` (a Date or a time string). The old
 * names `by` and `unit` still work as deprecated aliases, each checked here.
 */

const plan = loadHarbinPlan();
const gas = { task: 13, metric: 't13-gas-pipe-renewal', place: '道里区', asOf: '2024-09-30', value: '120' };

describe('the names a ledger call takes, and their deprecated aliases', () => {
  let opened: HarbinLedger;
  const clock = manualClock('2024-10-01T02:00:00Z');
  beforeEach(async () => (opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-names-' })));
  afterEach(async () => opened.close());

  const head = async () => run(opened.store.headPosition());
  /** The responsible unit and the figure the event at `position` recorded. */
  const recorded = async (position: number) => {
    const [e] = await run(opened.store.readAll({ fromPosition: position - 1, maxCount: 1 }));
    return { unit: e!.metadata.actor.unit, figure: (e!.data as { figure: unknown }).figure };
  };

  it('report: responsibleUnit and its alias by record the same unit; measure and its alias unit the same figure', async () => {
    const named = await run(opened.ledger.report({ ...gas, responsibleUnit: '市住建局', measure: '公里' }));
    const aliased = await run(opened.ledger.report({ ...gas, place: '南岗区', by: '市住建局', unit: '公里' }));
    expect(await recorded(named.position)).toEqual(await recorded(aliased.position));
    expect(await recorded(named.position)).toEqual({ unit: 'housing', figure: { kind: 'quantity', value: '120', unit: '公里' } });
  });

  it('report: two different units under the two names, or none, is refused naming the field, and nothing is written', async () => {
    const before = await head();
    const both = await fail(opened.ledger.report({ ...gas, responsibleUnit: '市住建局', by: '市教育局' }));
    expect(both).toMatchObject({
      _tag: 'InvalidInput',
      field: 'responsibleUnit',
      message: 'responsibleUnit: "市住建局" and by (its deprecated alias) "市教育局" differ; give responsibleUnit alone',
    });
    const measures = await fail(opened.ledger.report({ ...gas, responsibleUnit: '市住建局', measure: '公里', unit: '米' }));
    expect(measures).toMatchObject({ _tag: 'InvalidInput', field: 'measure' });
    const none = await fail(opened.ledger.report({ ...(gas as typeof gas & { responsibleUnit: string }), responsibleUnit: undefined as unknown as string }));
    expect(none).toMatchObject({ _tag: 'InvalidInput', field: 'responsibleUnit', message: 'responsibleUnit: name the responsible unit that acts (its id or name)' });
    expect(await head()).toBe(before);
  });

  it('correct and retract take responsibleUnit, and by still', async () => {
    const first = await run(opened.ledger.report({ ...gas, responsibleUnit: 'housing' }));
    const fixed = await run(opened.ledger.correct({ eventId: first.eventId, value: '112', reason: '复核', responsibleUnit: '市住建局' }));
    expect((await recorded(fixed.position)).unit).toBe('housing');
    const again = await run(opened.ledger.correct({ eventId: fixed.eventId, value: '110', reason: '再复核', by: '市住建局' }));
    expect((await recorded(again.position)).unit).toBe('housing');
    const gone = await run(opened.ledger.retract({ eventId: first.eventId, reason: '重复', responsibleUnit: 'housing' }));
    expect((await recorded(gone.position)).unit).toBe('housing');
  });

  it('status: groupBy and responsibleUnit give the view that by and unit give, with unit rows without narrowing', async () => {
    await run(opened.ledger.report({ ...gas, responsibleUnit: '市住建局' }));
    const named: View<UnitViewRow> = await run(opened.ledger.status({ groupBy: 'unit', responsibleUnit: '市住建局' }));
    const aliased: View<UnitViewRow> = await run(opened.ledger.status({ by: 'unit', unit: '市住建局' }));
    expect(named).toEqual(aliased);
    // The view names its grouping `groupBy`; `by`, deprecated, still carries the same value.
    expect([named.groupBy, named.by]).toEqual(['unit', 'unit']);
    expect(named.rows.length).toBeGreaterThan(0);
    expect(new Set(named.rows.map((r) => r.responsibleUnit))).toEqual(new Set(['市住建局']));
    expect(await run(opened.ledger.status({ groupBy: 'district', place: '道里区' }))).toEqual(await run(opened.ledger.status({ by: 'district', place: '道里区' })));
    const both = await fail(opened.ledger.status({ groupBy: 'task', by: 'district' }));
    expect(both).toMatchObject({ _tag: 'InvalidInput', field: 'groupBy' });
  });

  it('knownAt: a time string with its UTC offset gives the view its Date gives; one without an offset is refused', async () => {
    const before = '2024-10-01T10:00:00+08:00';
    clock.set('2024-10-01T03:00:00Z');
    await run(opened.ledger.report({ ...gas, responsibleUnit: '市住建局' }));
    const asString = await run(opened.ledger.status({ knownAt: before }));
    expect(asString).toEqual(await run(opened.ledger.status({ knownAt: new Date(before) })));
    expect(asString.knownAt).toBe('2024-10-01T02:00:00.000Z');
    expect(asString).not.toEqual(await run(opened.ledger.status({})));
    const compared = await run(opened.ledger.compare({ from: 'harbin-2024', to: 'harbin-2024', knownAt: before }));
    expect(compared).toEqual(await run(opened.ledger.compare({ from: 'harbin-2024', to: 'harbin-2024', knownAt: new Date(before) })));
    const local = await fail(opened.ledger.status({ knownAt: '2024-10-01T10:00:00' }));
    expect(local).toMatchObject({
      _tag: 'InvalidInput',
      field: 'knownAt',
      message: 'knownAt: "2024-10-01T10:00:00" is not a time with its UTC offset, e.g. 2024-10-01T09:00:00+08:00',
    });
  });
});
