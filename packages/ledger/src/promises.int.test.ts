import { isRight } from 'fp-ts/Either';
import { LedgerCallError, ledgerPromises, must } from './promises';
import { loadHarbinPlan, manualClock, openHarbinLedger, type HarbinLedger } from './testing';

/* The error model for programs without fp-ts: must() and the Promise facade over the same calls. */

const plan = loadHarbinPlan();
const gas = { task: 13, metric: 't13-gas-pipe-renewal', place: '道里区', asOf: '2024-09-30', value: '120', by: '市住建局' };

describe('must and the Promise facade', () => {
  let opened: HarbinLedger;
  const clock = manualClock('2024-01-05T02:00:00Z');
  beforeEach(async () => (opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-promises-' })));
  afterEach(async () => opened.close());

  it('must returns the right value and rejects with the tagged failure', async () => {
    const recorded = await must(opened.ledger.report(gas));
    expect(recorded.position).toBeGreaterThan(0);
    const refused = await must(opened.ledger.report({ ...gas, by: '市教育局' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LedgerCallError);
    expect((refused as LedgerCallError).failure._tag).toBe('NotResponsible');
    expect((refused as LedgerCallError).message).toMatch(/^NotResponsible: 市教育局 is not a responsible unit of task 13/);
  });

  it('the facade runs each call at once and gives what the TaskEither gives', async () => {
    const promises = ledgerPromises(opened.ledger);
    const before = await opened.store.headPosition()();
    const recorded = promises.report(gas); // no trailing (): the report is written now
    await recorded;
    const after = await opened.store.headPosition()();
    expect(isRight(before) && isRight(after) && after.right > before.right).toBe(true);
    const view = await promises.status({ by: 'task', asOf: '2024-09-30' });
    const direct = await must(opened.ledger.status({ by: 'task', asOf: '2024-09-30' }));
    expect(view).toEqual(direct);
    await expect(promises.report({ ...gas, value: 'abc' })).rejects.toBeInstanceOf(LedgerCallError);
  });

  it("status({ by: 'unit' }) is typed as unit rows, with no narrowing", async () => {
    await must(opened.ledger.report(gas));
    const units = await must(opened.ledger.status({ by: 'unit', asOf: '2024-09-30' }));
    // responsibleUnit and role exist only on unit rows: this compiles only with the overload.
    const gasRows = units.rows.filter((r) => r.metric === gas.metric);
    expect(gasRows.map((r) => r.role)).toContain('lead');
    expect(gasRows.every((r) => typeof r.responsibleUnit === 'string')).toBe(true);
    const city = await must(opened.ledger.status({ by: 'task', asOf: '2024-09-30' }));
    expect(city.rows.length).toBeGreaterThan(0);
  });
});
