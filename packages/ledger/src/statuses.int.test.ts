import { parsePlan, type Plan } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel, type View, type ViewRow } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { ledgerRegistry } from '@minsheng/core';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { fail, manualClock, run, statusPlan } from './testing';

/*
 * Issue 14: statuses a supervising office can sign. One small plan, one year, each of the
 * eight problems checked through the library at the moments that showed it.
 */

const loaded = parsePlan(statusPlan(), 'sample.json');
if (isLeft(loaded)) throw new Error(loaded.left.message);
const plan: Plan = loaded.right;

describe('statuses a supervision officer signs (issue 14)', () => {
  let dir: string;
  let store: EventStore;
  let model: SqliteReadModel;
  let ledger: Ledger;
  const clock = manualClock('2024-03-02T02:00:00Z');
  const at = async (when: string, f: () => Promise<unknown>) => {
    clock.set(when);
    return f();
  };
  const report = (input: Parameters<Ledger['report']>[0]) => run(ledger.report(input));
  const rows = async (q: Parameters<Ledger['status']>[0] = {}) => ((await run(ledger.status(q))) as View).rows;
  const row = (rs: readonly ViewRow[], metric: string, place?: string) => rs.find((r) => r.metric === metric && (place === undefined || r.place === place))!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-statuses-'));
    store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
    model = createSqliteReadModel({ file: join(dir, 'read.db') });
    ledger = createLedger({ store, readModel: model, clock });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(plan));
    // 30 June: pipes at 200 of 500 km.
    await at('2024-07-01T02:00:00Z', () => report({ task: 4, metric: 'pipes', place: 'east', asOf: '2024-06-30', value: '200', by: 'housing' }));
    // 30 September: meals at 42.77% (from a 40% baseline), rural meals at 45%.
    await at('2024-10-01T02:00:00Z', async () => {
      for (const [place, n] of [['east', '1500'], ['west', '1500'], ['north', '1277']] as const)
        await report({ task: 1, metric: 'meals', place, asOf: '2024-09-30', numerator: n, denominator: place === 'north' ? '4000' : '3000', by: 'civil' });
      await report({ task: 1, metric: 'meals-rural', place: 'north', asOf: '2024-09-30', numerator: '45', denominator: '100', by: 'civil' });
    });
    // Outdoor deadline passes unmet; pipes finished on 15 November.
    await at('2024-11-01T00:00:00Z', () => run(ledger.checkDeadlines()));
    await at('2024-11-16T02:00:00Z', async () => {
      await report({ task: 4, metric: 'pipes', place: 'east', asOf: '2024-11-15', value: '380', by: 'housing' });
      await report({ task: 4, metric: 'pipes', place: 'west', asOf: '2024-11-15', value: '130', by: 'housing' });
      await report({ task: 4, metric: 'funding', place: 'city', asOf: '2024-11-15', figure: { kind: 'flag', value: true }, by: 'finance' });
    });
    // December: places over-delivered; PM2.5 year to date; farmland signed off.
    await at('2024-12-21T02:00:00Z', async () => {
      await report({ task: 3, metric: 'kindergarten-places', place: 'east', asOf: '2024-12-20', value: '16000', by: 'edu' });
      await report({ task: 3, metric: 'kindergarten-places', place: 'west', asOf: '2024-12-20', value: '10300', by: 'edu' });
      await report({ task: 2, metric: 'pm25', place: 'city', asOf: '2024-12-20', value: '33.9', by: 'eco' });
      await report({ task: 2, metric: 'farmland', place: 'city', asOf: '2024-12-20', figure: { kind: 'flag', value: true }, by: 'agri' });
    });
    await at('2025-01-02T00:00:00Z', () => run(ledger.checkDeadlines()));
    // The annual mean is published in January, as of the period's end.
    await at('2025-01-10T02:00:00Z', () => report({ task: 2, metric: 'pm25', place: 'city', asOf: '2024-12-31', value: '34.6', by: 'eco' }));
  });
  afterAll(async () => {
    model.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('#1 judges a share from its baseline: 42.77% of 50% from 40% is behind in September; no baseline, no pace', async () => {
    const sep = await rows({ asOf: '2024-09-30' });
    expect(row(sep, 'meals')).toMatchObject({ value: '42.77', percent: '85.5', progress: '27.7', scheduled: '74.9', baseline: '40', status: 'behind' });
    expect(row(sep, 'meals-rural')).toMatchObject({ progress: null, status: 'no baseline' });
  });

  it('#2 an annual statistic is provisional on year-to-date figures and completes only on its period-end figure', async () => {
    const dec = await rows({ asOf: '2024-12-20', knownAt: new Date('2024-12-22T00:00:00Z') });
    expect(row(dec, 'pm25')).toMatchObject({ value: '33.9', met: false, status: 'provisional', completionRecorded: false });
    // No deadline recorded missed on 2 January: the figure that judges it was not yet due.
    const jan2 = await rows({ asOf: '2025-01-02', knownAt: new Date('2025-01-02T01:00:00Z') });
    expect(row(jan2, 'pm25')).toMatchObject({ status: 'provisional', deadlinesMissed: [] });
    const final = await rows({ asOf: '2024-12-31' });
    expect(row(final, 'pm25')).toMatchObject({ value: '34.6', met: true, status: 'complete' });
    // The task's completion is dated by the figure that completed it, recorded 10 January: a note from then on.
    expect(row(final, 'pm25').completionRecorded).toBe(false);
    expect(row(await rows({ asOf: '2025-01-10' }), 'pm25')).toMatchObject({ completionRecorded: true, completedOn: '2025-01-10' });
  });

  it('#3 over-delivering a 左右 target is met and shown exceeded, with the plan\'s band', async () => {
    const end = await rows({ asOf: '2024-12-31' });
    expect(row(end, 'kindergarten-places')).toMatchObject({ value: '26300', met: true, status: 'exceeded', completionRecorded: true });
    expect(plan.approximateTolerance?.reason).toContain('左右');
    const frame = await run(ledger.plan());
    expect(frame.approximateTolerance).toEqual(plan.approximateTolerance);
  });

  it('#4 an outdoor metric follows its construction season: on track on 30 June, with the scheduled percent', async () => {
    const jun = await rows({ asOf: '2024-06-30', knownAt: new Date('2024-07-02T00:00:00Z') });
    // 91 of the season's 214 days: 42.5% expected; 40% done is within 10 points. Linear would expect 59.7%.
    expect(row(jun, 'pipes')).toMatchObject({ percent: '40', scheduled: '42.5', status: 'on track' });
  });

  it('#5 notes respect as-of as well as known-at: a view of 30 June names no November event', async () => {
    for (const knownAt of ['2024-07-02T00:00:00Z', '2024-11-20T00:00:00Z', '2025-02-01T00:00:00Z']) {
      const jun = await rows({ asOf: '2024-06-30', knownAt: new Date(knownAt) });
      expect(row(jun, 'pipes')).toMatchObject({ deadlinesMissed: [], completionRecorded: false, completedOn: null });
    }
    const nov = await rows({ asOf: '2024-11-10', knownAt: new Date('2024-11-20T00:00:00Z') });
    expect(row(nov, 'pipes')).toMatchObject({ deadlinesMissed: ['outdoor-completion'], completionRecorded: false, status: 'missed' });
    const novBefore = await rows({ asOf: '2024-11-10', knownAt: new Date('2024-10-20T00:00:00Z') });
    expect(row(novBefore, 'pipes').deadlinesMissed).toEqual([]);
  });

  it('#6 met after its deadline is complete (late), with both dates', async () => {
    const end = await rows({ asOf: '2024-12-31' });
    expect(row(end, 'pipes')).toMatchObject({
      status: 'complete (late)',
      metOn: '2024-11-15',
      due: '2024-10-31',
      deadlinesMissed: ['outdoor-completion'],
      completionRecorded: true,
    });
  });

  it('#7 responsibility is per metric: the funding unit signs off funding, and reports nothing else', async () => {
    clock.set('2025-01-11T02:00:00Z');
    const e = await fail(ledger.report({ task: 4, metric: 'pipes', place: 'east', asOf: '2024-12-20', value: '1', by: 'finance' }));
    expect(e).toMatchObject({ _tag: 'NotResponsible' });
    const signOff = await fail(ledger.report({ task: 4, metric: 'funding', place: 'city', asOf: '2024-12-20', figure: { kind: 'flag', value: true }, by: 'housing' }));
    expect(signOff).toMatchObject({ _tag: 'NotResponsible' });
    const pm = await fail(ledger.report({ task: 2, metric: 'pm25', place: 'city', asOf: '2024-12-20', value: '30', by: 'agri' }));
    expect(pm).toMatchObject({ _tag: 'NotResponsible' });
    const agri = (await run(ledger.status({ by: 'unit', unit: 'agri' }))).rows;
    expect(agri.map((r) => [r.metric, (r as { role: string }).role])).toEqual([['farmland', 'lead']]);
  });

  it('#8 the district view judges a place only against its own allocation; other places are not expected', async () => {
    const end = await rows({ by: 'district', asOf: '2024-12-31' });
    expect(row(end, 'kindergarten-places', 'east')).toMatchObject({ target: '≈ 15000 个 (±5%)', value: '16000', status: 'exceeded' });
    expect(row(end, 'kindergarten-places', 'west')).toMatchObject({ target: '≈ 10000 个 (±5%)', status: 'complete' });
    expect(row(end, 'kindergarten-places', 'north')).toMatchObject({ value: null, status: 'not expected', percent: null });
    // A contribution to a city sum: its figure and its share of the city total, not a percent of the city target.
    expect(row(end, 'pipes', 'west')).toMatchObject({ value: '130', percent: null, shareOfCity: '25.5', status: 'reported', met: null });
    expect(row(end, 'pipes', 'north')).toMatchObject({ status: 'not expected', deadlinesMissed: [] });
    // A district's share is not judged against the city's 50%.
    expect(row(end, 'meals', 'north')).toMatchObject({ value: '31.925', status: 'reported', met: null });
  });

  it('rebuilds to the same views', async () => {
    const before = [await rows({ asOf: '2024-12-31' }), await rows({ by: 'district', asOf: '2024-06-30' })];
    await run(ledger.rebuild());
    expect([await rows({ asOf: '2024-12-31' }), await rows({ by: 'district', asOf: '2024-06-30' })]).toEqual(before);
  });
});
