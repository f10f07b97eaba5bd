import { ledgerRegistry } from '@minsheng/core';
import { createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { AMEND_ATTEMPTS, amendBackoffMs } from './progress-append';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

/*
 * Given another writer that moves a (metric, place) stream just before this ledger appends
 * to it, when this ledger reports, corrects or retracts, then: a report lands at once; an
 * amendment is decided again and lands, unless what moved the stream amended the same report.
 */

const plan = loadHarbinPlan();
const roads = { task: 19, metric: 't19-rural-roads', asOf: '2024-09-30', by: 'transport' };
const STREAM = 'progress-harbin-2024-t19-rural-roads-daoli';

describe('a progress command racing another writer on its stream', () => {
  let dir: string;
  let store: EventStore;
  let model: SqliteReadModel;
  /** The other writer, on the store itself. */
  let other: Ledger;
  let appends: number;
  /** Runs before each append of `racing` to STREAM: what the other writer does first. */
  let before: (() => Promise<unknown>) | null;
  /** A ledger whose appends to STREAM each let the other writer go first. */
  let racing: Ledger;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-race-'));
    const clock = manualClock('2024-01-05T02:00:00Z');
    store = createInMemoryEventStore({ registry: ledgerRegistry, clock });
    model = createSqliteReadModel({ file: join(dir, 'read.db') });
    other = createLedger({ store, readModel: model, clock });
    await run(other.importPlan(plan));
    clock.set('2024-10-01T02:00:00Z');
    appends = 0;
    before = null;
    const moved: EventStore = {
      ...store,
      append: (stream, events, expected) => async () => {
        if (stream === STREAM) {
          appends++;
          await before?.();
        }
        return store.append(stream, events, expected)();
      },
    };
    racing = createLedger({ store: moved, readModel: model, clock });
  });
  afterEach(async () => {
    model.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const reportByOther = (value: string) => run(other.report({ ...roads, place: 'daoli', value }));
  const streamEvents = async () => run(store.readStream(STREAM));

  it('lands a report at once when the stream moves before every append', async () => {
    before = () => reportByOther('1');
    const r = await run(racing.report({ ...roads, place: 'daoli', value: '12' }));
    expect(appends).toBe(1);
    const events = await streamEvents();
    expect(events.map((e) => e.type)).toEqual(['ProgressReported', 'ProgressReported']);
    expect(events[1]).toMatchObject({ eventId: r.eventId, revision: 1, data: { figure: { value: '12' } } });
  });

  it('decides a correction again when the stream moved by another report, and lands it', async () => {
    const report = await reportByOther('10');
    before = () => ((before = null), reportByOther('5'));
    const c = await run(racing.correct({ eventId: report.eventId, value: '11', reason: '复核', by: 'transport' }));
    expect(appends).toBe(2);
    const events = await streamEvents();
    expect(events.map((e) => e.type)).toEqual(['ProgressReported', 'ProgressReported', 'ProgressCorrected']);
    expect(events[2]).toMatchObject({ eventId: c.eventId, data: { corrects: report.eventId, figure: { value: '11' } } });
  });

  it.each([
    ['a correction', (id: string) => other.correct({ eventId: id, value: '9', reason: '另一人复核', by: 'transport' })],
    ['a retraction', (id: string) => other.retract({ eventId: id, reason: '重复上报', by: 'transport' })],
  ])('refuses a correction when %s of the same report came first, writing nothing', async (_what, amend) => {
    const report = await reportByOther('10');
    before = () => ((before = null), run(amend(report.eventId)));
    const e = await fail(racing.correct({ eventId: report.eventId, value: '11', reason: '复核', by: 'transport' }));
    expect(e).toMatchObject({ _tag: 'ConcurrencyError', stream: STREAM, expected: 0, actual: 1 });
    expect(e.message).toBe(
      `report ${report.eventId} was corrected or retracted by another writer while this correction was being recorded; ` +
        'nothing was written: look at the report again before amending it',
    );
    expect(await streamEvents()).toHaveLength(2);
  });

  it('refuses a retraction when a correction of the same report came first', async () => {
    const report = await reportByOther('10');
    before = () => ((before = null), run(other.correct({ eventId: report.eventId, value: '9', reason: '复核', by: 'transport' })));
    const e = await fail(racing.retract({ eventId: report.eventId, reason: '重复上报', by: 'transport' }));
    expect(e.message).toMatch(/^report \w+ was corrected or retracted by another writer while this retraction was being recorded;/);
    expect(await streamEvents()).toHaveLength(2);
  });

  it(`gives a correction up after ${AMEND_ATTEMPTS} tries when the stream moves before every append`, async () => {
    const report = await reportByOther('10');
    before = () => reportByOther('1');
    const e = await fail(racing.correct({ eventId: report.eventId, value: '11', reason: '复核', by: 'transport' }));
    expect(e).toMatchObject({ _tag: 'ConcurrencyError', stream: STREAM });
    expect(appends).toBe(AMEND_ATTEMPTS);
    expect((await streamEvents()).map((e) => e.type)).toEqual(['ProgressReported', ...Array(AMEND_ATTEMPTS).fill('ProgressReported')]);
  });

  it('waits a jittered, doubling, capped time between tries', () => {
    expect([1, 2, 3, 4].map((n) => amendBackoffMs(n, () => 0.999))).toEqual([4, 9, 19, 39]);
    expect(amendBackoffMs(20, () => 0.999)).toBe(499);
    expect(amendBackoffMs(3, () => 0)).toBe(0);
  });
});
