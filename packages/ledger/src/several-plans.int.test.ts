import { ledgerRegistry, parsePlanText, type Plan } from '@minsheng/core';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { fail, harbinPlanFile, loadHarbinPlan, manualClock, run } from './testing';

const sampleFile = join(harbinPlanFile, '..', 'samples', 'sample-2025.json');
const loadSample = (): Plan => {
  const parsed = parsePlanText(readFileSync(sampleFile, 'utf8'), sampleFile);
  if (isLeft(parsed)) throw new Error(parsed.left.message);
  return parsed.right;
};

/** Issue 15, part 3: two plans in one ledger through the library; revisions with their document and reason; year over year. */
describe('a ledger holding two plans', () => {
  let dir: string;
  let ledger: Ledger;
  const clock = manualClock('2024-01-05T02:00:00Z');
  const sample = loadSample();
  const stations = { task: 1, metric: 't01-job-stations', place: 'daoli', by: 'hrss' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-plans-'));
    const store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
    ledger = createLedger({ store, readModel: createSqliteReadModel({ file: join(dir, 'read.db') }), clock });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(loadHarbinPlan()));
    clock.set('2024-07-01T02:00:00Z');
    await run(ledger.report({ ...stations, asOf: '2024-06-30', value: '40' }));
    clock.set('2025-01-05T02:00:00Z');
    await run(ledger.importPlan(sample));
    clock.set('2025-04-01T02:00:00Z');
    await run(ledger.report({ ...stations, planId: 'sample-2025', asOf: '2025-03-31', value: '30' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a call that names no plan, listing the plans', async () => {
    const calls: Array<() => Promise<unknown>> = [
      () => fail(ledger.status()),
      () => fail(ledger.plan()),
      () => fail(ledger.checkDeadlines()),
      () => fail(ledger.report({ ...stations, asOf: '2025-03-31', value: '31' })),
    ];
    for (const call of calls)
      expect(await call()).toMatchObject({ _tag: 'UnknownPlan', message: expect.stringContaining('several plans (harbin-2024, sample-2025)') });
    expect(await fail(ledger.status({ planId: 'nowhere' }))).toMatchObject({ _tag: 'UnknownPlan' });
  });

  it('lists the plans it holds, by id, each as it stands now', async () => {
    const plans = await run(ledger.plans());
    expect(plans.map((f) => [f.planId, f.periodStart, f.tasks.length])).toEqual([
      ['harbin-2024', '2024-01-01', 20],
      ['sample-2025', '2025-01-01', 2],
    ]);
  });

  it('answers for the plan named', async () => {
    const row = (await run(ledger.status({ planId: 'sample-2025' }))).rows.find((r) => r.metric === 't01-job-stations')!;
    expect(row).toMatchObject({ value: '30', target: '80个' });
    const old = (await run(ledger.status({ planId: 'harbin-2024', asOf: '2024-12-31' }))).rows.find((r) => r.metric === 't01-job-stations')!;
    expect(old.value).toBe('40');
  });

  it('compares the metrics two plans share, with the change', async () => {
    const c = await run(ledger.compare({ from: 'harbin-2024', to: 'sample-2025' }));
    expect(c.metrics.map((m) => m.metric)).toEqual(['t01-job-stations', 't13-gas-pipe-renewal']);
    expect(c.metrics[0]).toMatchObject({ fromValue: '40', toValue: '30', change: '-10', fromTask: 1, toTask: 1 });
    expect(c.metrics[1]).toMatchObject({ fromTask: 13, toTask: 2, fromValue: null, change: null });
    expect(c.onlyTo).toEqual(['s25-gas-safety-checks']);
  });

  it('records a revision with its document and reason, shows it in the audit trail, and writes nothing for the same plan again', async () => {
    clock.set('2025-05-01T02:00:00Z');
    const revised: Plan = {
      ...sample,
      tasks: sample.tasks.map((t) =>
        t.number !== 1 ? t : { ...t, metrics: t.metrics.map((m) => ({ ...m, written: '90个', target: { kind: 'atLeast', value: '90', unit: '个' } as const })) },
      ),
    };
    const papers = { document: 'SAMPLE〔2025〕7号', reason: '年中调整目标' };
    expect((await run(ledger.importPlan(revised, papers))).written).toBe(1);
    expect((await run(ledger.importPlan(revised, papers))).written).toBe(0);
    const trail = await run(ledger.audit({ planId: 'sample-2025', task: 1, metric: 't01-job-stations' }));
    expect(trail.revisions.map((r) => [r.target, r.document, r.reason])).toEqual([
      ['80个', 'SAMPLE〔2025〕1号', null],
      ['90个', 'SAMPLE〔2025〕7号', '年中调整目标'],
    ]);
    expect(await fail(ledger.importPlan(revised, { reason: 'x\u0000y' }))).toMatchObject({ _tag: 'InvalidInput' });
  });
});

/** Issue 15, part 3: a place hierarchy of three levels (province → cities → districts) loads and rolls up. */
describe('a three-level plan (province, cities, districts)', () => {
  const file = join(harbinPlanFile, '..', 'samples', 'province-sample.json');
  let dir: string;
  let ledger: Ledger;
  const clock = manualClock('2025-01-05T02:00:00Z');

  beforeAll(async () => {
    const parsed = parsePlanText(readFileSync(file, 'utf8'), file);
    if (isLeft(parsed)) throw new Error(parsed.left.message);
    dir = mkdtempSync(join(tmpdir(), 'minsheng-province-'));
    const store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
    ledger = createLedger({ store, readModel: createSqliteReadModel({ file: join(dir, 'read.db') }), clock });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(parsed.right));
    clock.set('2025-06-01T02:00:00Z');
    const stations = { task: 1, metric: 'p01-job-stations', asOf: '2025-05-31', by: 'hrss' };
    for (const [place, value] of [['daoli', '20'], ['nangang', '15'], ['longsha', '30'], ['讷河市', '10']] as const)
      await run(ledger.report({ ...stations, place, value }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls the districts of both cities up to the province', async () => {
    const row = (await run(ledger.status())).rows.find((r) => r.metric === 'p01-job-stations')!;
    expect(row).toMatchObject({ place: 'heilongjiang', placeName: '黑龙江省', value: '75', placesReported: 4, placesExpected: 4 });
  });

  it('shows a city by its districts', async () => {
    const rows = (await run(ledger.status({ place: '齐齐哈尔市' }))).rows.filter((r) => r.metric === 'p01-job-stations');
    expect(rows.map((r) => [r.placeName, r.value])).toEqual([
      ['龙沙区', '30'],
      ['讷河市', '10'],
    ]);
  });

  it('refuses a figure for a city (it is rolled up from its districts), and takes a province-wide one for the province', async () => {
    expect(await fail(ledger.report({ task: 1, metric: 'p01-job-stations', place: 'harbin', asOf: '2025-05-31', by: 'hrss', value: '35' }))).toMatchObject({
      _tag: 'UnknownPlace',
      message: expect.stringContaining('rolled up'),
    });
    const plan = { task: 2, metric: 'p02-road-plan', asOf: '2025-05-31', by: 'transport', value: 'yes' };
    expect(await fail(ledger.report({ ...plan, place: 'harbin' }))).toMatchObject({ _tag: 'UnknownPlace' });
    await run(ledger.report({ ...plan, place: '黑龙江省' }));
    const row = (await run(ledger.status())).rows.find((r) => r.metric === 'p02-road-plan')!;
    expect(row.met).toBe(true);
  });
});
