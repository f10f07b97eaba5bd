import { ledgerRegistry, type Plan, type Target } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

/*
 * Item 9 of issue 13: a re-imported plan whose target for a metric changes how its figures are
 * read (户 → 个, atLeast → share) is refused while reports are in force under the old target;
 * nothing is written, and the figures read as before.
 */

const plan = loadHarbinPlan();
const ADAPTATIONS = 't09-elderly-home-adaptations';

/** The Harbin plan with some metrics' targets replaced. */
const revisedAll = (targets: Record<string, Target>): Plan => ({
  ...plan,
  tasks: plan.tasks.map((t) => ({ ...t, metrics: t.metrics.map((m) => ({ ...m, target: targets[m.id] ?? m.target })) })),
});
const revised = (metric: string, target: Target): Plan => revisedAll({ [metric]: target });

describe('re-importing a plan whose target revision reinterprets reported figures', () => {
  let dir: string;
  let store: EventStore;
  let model: SqliteReadModel;
  let ledger: Ledger;
  const clock = manualClock('2024-01-05T02:00:00Z');
  const head = () => run(store.headPosition());
  const adaptations = async () => (await run(ledger.status())).rows.find((r) => r.metric === ADAPTATIONS)!;
  let reports: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-revision-'));
    clock.set('2024-01-05T02:00:00Z');
    store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
    model = createSqliteReadModel({ file: join(dir, 'read.db') });
    ledger = createLedger({ store, readModel: model, clock });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(plan));
    clock.set('2024-10-01T02:00:00Z');
    const homes = { task: 9, metric: ADAPTATIONS, asOf: '2024-09-30', by: 'civil-affairs' };
    reports = [];
    for (const [place, value] of [['daoli', '100'], ['nangang', '60'], ['songbei', '40']] as const)
      reports.push((await run(ledger.report({ ...homes, place, value }))).eventId);
  });
  afterEach(async () => {
    model.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each<[string, Target, string]>([
    ['its unit base (户 → 个)', { kind: 'atLeast', value: '4700', unit: '个' }, 'unit base from 户 to 个 (3 reports recorded under 户)'],
    [
      'its kind (atLeast → share)',
      { kind: 'share', value: '80', unit: '%', numerator: '已改造户数(户)', denominator: '申请户数(户)' },
      'kind from atLeast to share (3 reports recorded under atLeast)',
    ],
  ])('refuses a revision of %s, naming the metric, the old and the new and the reports, writing nothing', async (_, target, change) => {
    const before = await head();
    const shown = await adaptations();
    const e = await fail(ledger.importPlan(revised(ADAPTATIONS, target)));
    expect(e).toMatchObject({ _tag: 'TargetRevisionRefused', revisions: [expect.objectContaining({ metric: ADAPTATIONS, reports: 3 })] });
    expect(e.message).toContain(`${ADAPTATIONS} changes its ${change}`);
    expect(await head()).toBe(before);
    expect(await adaptations()).toEqual(shown);
    expect(shown).toMatchObject({ value: '200', unit: '户' });
  });

  it('lists every refused metric at once', async () => {
    await run(ledger.report({ task: 19, metric: 't19-rural-roads', place: 'bayan', asOf: '2024-09-30', value: '12', by: 'transport' }));
    const e = await fail(
      ledger.importPlan(
        revisedAll({
          [ADAPTATIONS]: { kind: 'atLeast', value: '4700', unit: '个' },
          't19-rural-roads': { kind: 'atLeast', value: '300', unit: '平方米' },
        }),
      ),
    );
    expect(e).toMatchObject({
      _tag: 'TargetRevisionRefused',
      revisions: [
        { metric: ADAPTATIONS, change: 'unit base', from: '户', to: '个', reports: 3 },
        { metric: 't19-rural-roads', change: 'unit base', from: '公里', to: '平方米', reports: 1 },
      ],
    });
  });

  it('takes a revision of the value, or of the unit within its base, with reports in force', async () => {
    const poverty = 't01-poverty-group-employment';
    await run(ledger.report({ task: 1, metric: poverty, place: 'daoli', asOf: '2024-09-30', value: '3000', unit: '人', by: 'hrss' }));
    const r = await run(
      ledger.importPlan(revisedAll({ [ADAPTATIONS]: { kind: 'atLeast', value: '5000', unit: '户' }, [poverty]: { kind: 'atLeast', value: '25500', unit: '人' } })),
    );
    expect(r).toMatchObject({ written: 2 });
    const rows = (await run(ledger.status())).rows;
    expect(rows.find((x) => x.metric === ADAPTATIONS)).toMatchObject({ value: '200', unit: '户', percent: '4' });
    expect(rows.find((x) => x.metric === poverty)).toMatchObject({ value: '3000', unit: '人' });
  });

  it('takes a revision of a metric nobody reported on, and one whose reports were all retracted', async () => {
    const fitness = { 't14-fitness-paths': { kind: 'atLeast', value: '100', unit: '个' } } as const;
    expect(await run(ledger.importPlan(revisedAll(fitness)))).toMatchObject({ written: 1 });
    for (const eventId of reports) await run(ledger.retract({ eventId, reason: '口径改为个', by: 'civil-affairs' }));
    expect(await run(ledger.importPlan(revisedAll({ ...fitness, [ADAPTATIONS]: { kind: 'atLeast', value: '4700', unit: '个' } })))).toMatchObject({
      written: 1,
    });
  });
});
