import type { EventStore } from '@minsheng/event-store';
import type { SqliteReadModel } from '@minsheng/projections';
import type { Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from './testing';

/* Bad input through the library: each refusal is a typed error, and nothing is written. */

const plan = loadHarbinPlan();

describe('the ledger refuses bad input, writing nothing', () => {
  let store: EventStore;
  let model: SqliteReadModel;
  let ledger: Ledger;
  let opened: HarbinLedger;
  const clock = manualClock('2024-01-05T02:00:00Z');
  const head = async () => run(store.headPosition());
  const gas = { task: 13, metric: 't13-gas-pipe-renewal', place: '道里区', asOf: '2024-09-30', value: '12' };

  beforeEach(async () => {
    opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-bad-input-', mode: 'none' });
    ({ store, model, ledger } = opened);
  });
  afterEach(async () => {
    await opened.close();
  });

  it.each([
    [{ person: '\x1b[31m张三\x1b[0m' }, 'person', 'U+001B'],
    [{ person: '张\r\n三' }, 'person', 'U+000D'],
    [{ person: '张'.repeat(201) }, 'person', 'at most 200'],
    [{ source: { document: '哈住建报\x1b]0;owned\x07' } }, 'document', 'U+001B'],
    [{ source: { note: '月报\x9b8m' } }, 'note', 'U+009B'],
    [{ source: { note: '报'.repeat(4001) } }, 'note', 'at most 4000'],
    [{ correlationId: 'c\n1' }, 'correlationId', 'U+000A'],
  ])('refuses a report whose actor text is bad (%#), naming the field', async (actor, field, says) => {
    const before = await head();
    const e = await fail(ledger.report({ ...gas, by: 'housing', ...actor }));
    expect(e).toMatchObject({ _tag: 'InvalidInput', field });
    expect(e.message).toContain(says);
    expect(e.message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(await head()).toBe(before);
  });

  it('refuses a correction or retraction whose reason or person is bad', async () => {
    const r = await run(ledger.report({ ...gas, by: 'housing' }));
    const before = await head();
    expect(await fail(ledger.correct({ eventId: r.eventId, value: '13', reason: '笔误\x1b[8m', by: 'housing' }))).toMatchObject({ field: 'reason' });
    expect(await fail(ledger.retract({ eventId: r.eventId, reason: '误报\n', by: 'housing' }))).toMatchObject({ field: 'reason' });
    expect(await fail(ledger.retract({ eventId: r.eventId, reason: '误报', by: 'housing', person: '\x7f' }))).toMatchObject({ field: 'person' });
    expect(await head()).toBe(before);
  });

  it('refuses half a person, a figure beyond the precision, and an as-of past the period and its grace', async () => {
    const before = await head();
    const people = { task: 1, metric: 't01-poverty-group-employment', place: '道里区', asOf: '2024-09-30', by: 'hrss' };
    expect(await fail(ledger.report({ ...people, value: '0.5', unit: '人' }))).toMatchObject({ _tag: 'InvalidFigure', field: 'value' });
    expect(await fail(ledger.report({ ...gas, by: 'housing', value: `1${'0'.repeat(43)}1` }))).toMatchObject({ _tag: 'InvalidFigure', field: 'value' });
    clock.set('2026-02-01T02:00:00Z');
    const late = await fail(ledger.report({ ...gas, by: 'housing', asOf: '2025-04-01' }));
    expect(late).toMatchObject({ _tag: 'InvalidInput', field: 'asOf' });
    expect(late.message).toContain('the last as-of date it accepts is 2025-03-31');
    expect(await head()).toBe(before);
    await run(ledger.report({ ...people, value: '2.5', unit: '万人', asOf: '2025-03-31' }));
    expect(await head()).toBe(before + 1);
  });

  it('lets only the unit that reported, or the lead unit, retract or correct a report', async () => {
    // Task 13: 市住建局 (housing) leads, 市发改委 (ndrc) shares it.
    const byNdrc = await run(ledger.report({ ...gas, by: 'ndrc' }));
    const byLead = await run(ledger.report({ ...gas, place: '南岗区', by: 'housing' }));
    const before = await head();
    const e = await fail(ledger.retract({ eventId: byLead.eventId, reason: '误报', by: '市发改委' }));
    expect(e).toMatchObject({ _tag: 'NotReportingUnit', unit: 'ndrc', reportedBy: 'housing', lead: 'housing', eventId: byLead.eventId });
    expect(e.message).toBe(
      `市发改委 may not retract report ${byLead.eventId}: only the unit that reported it (市住建局) or the lead unit of task 13 (市住建局) may`,
    );
    expect(await fail(ledger.correct({ eventId: byLead.eventId, value: '1', reason: '笔误', by: 'ndrc' }))).toMatchObject({ _tag: 'NotReportingUnit' });
    expect(await head()).toBe(before);
    // The reporter corrects its own; the lead retracts another unit's.
    const fixed = await run(ledger.correct({ eventId: byNdrc.eventId, value: '11', reason: '笔误', by: 'ndrc' }));
    await run(ledger.retract({ eventId: fixed.eventId, reason: '重复报送', by: 'housing' }));
    expect(await head()).toBe(before + 2);
  });
});
