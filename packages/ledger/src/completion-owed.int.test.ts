import { ledgerRegistry, type StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, type SqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import type { TaskEither } from 'fp-ts/TaskEither';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Ledger } from './ledger';
import { report } from './progress';
import { loadHarbinPlan, manualClock, run, TASK3_DUTIES } from './testing';

/*
 * A process killed right after appending the report that completes a task never runs the
 * completion check. The completion is owed: the next command of any process records it,
 * dated by that report, before it does anything else.
 */

const plan = loadHarbinPlan();
const friendly = { task: 3, metric: 't03-child-friendly-communities', asOf: '2024-09-30' };

/** A simulated ledger file (its clock is the test's) with task 3 one report short of complete; `process()` opens it as another process would. */
const harbinFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-owed-'));
  const clock = manualClock('2024-01-05T02:00:00Z');
  const opened: { store: EventStore; model: SqliteReadModel }[] = [];
  const process = (): { ledger: Ledger; store: EventStore; model: SqliteReadModel } => {
    const store = createSqliteEventStore({ file: join(dir, 'ledger.db'), registry: ledgerRegistry, clock });
    const model = createSqliteReadModel({ file: join(dir, 'read.db') });
    opened.push({ store, model });
    return { ledger: createLedger({ store, readModel: model, clock }), store, model };
  };
  return {
    clock,
    process,
    close: async () => {
      for (const o of opened) {
        o.model.close();
        await o.store.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const completionsOf = async (store: EventStore): Promise<StoredEvent[]> =>
  (await run(store.readStream('task-harbin-2024-3'))).filter((e) => e.type === 'TaskCompleted');

describe('a completion owed by a process killed after its report', () => {
  let f: ReturnType<typeof harbinFile>;
  let reportId: string;

  beforeEach(async () => {
    f = harbinFile();
    const first = f.process();
    await run(first.ledger.init('simulated'));
    await run(first.ledger.importPlan(plan));
    f.clock.set('2024-10-01T02:00:00Z');
    for (const duty of TASK3_DUTIES) await run(first.ledger.report(duty));
    await run(first.ledger.report({ ...friendly, place: 'daoli', value: '12', by: '市妇联' }));
    // The completing report, appended alone: what a process killed right after its append wrote.
    f.clock.set('2024-10-02T03:00:00Z');
    const killed = f.process();
    reportId = (await run(report({ store: killed.store, readModel: killed.model, clock: f.clock }, { ...friendly, place: 'nangang', value: '8', by: 'ndrc' })))
      .eventId;
    f.clock.set('2024-10-20T03:00:00Z');
  });
  afterEach(() => f.close());

  it.each<[string, (l: Ledger) => TaskEither<unknown, unknown>]>([
    ['status', (l) => l.status()],
    ['plan', (l) => l.plan()],
    ['audit', (l) => l.audit({ task: 1, metric: 't01-job-stations' })],
    ['checkDeadlines', (l) => l.checkDeadlines()],
    ['report on another task', (l) => l.report({ task: 1, metric: 't01-job-stations', place: 'daoli', asOf: '2024-10-19', value: '3', by: 'hrss' })],
    ['importPlan', (l) => l.importPlan(plan)],
  ])('%s records it first, dated by the report that completed the task', async (_, command) => {
    const next = f.process();
    const before = await run(next.store.headPosition());
    await run(command(next.ledger) as TaskEither<{ message: string }, unknown>);
    const [completion, ...more] = await completionsOf(next.store);
    expect(more).toEqual([]);
    expect(completion).toMatchObject({
      // Recorded by this later command, right after what the killed process wrote…
      position: before + 1,
      // …and dated by the report that completed the task, not by the command that found it owed.
      data: {
        task: 3,
        completedOn: '2024-10-02',
        figures: expect.arrayContaining([expect.objectContaining({ metric: friendly.metric, value: '20', events: expect.arrayContaining([reportId]) })]),
      },
      metadata: { causationId: reportId, actor: { system: 'completion-policy' } },
    });
    const rows = (await run(next.ledger.status())).rows.filter((r) => r.task === 3);
    expect(rows.every((r) => r.status === 'complete' && r.completionRecorded)).toBe(true);
  });

  it('is recorded once when two processes find it owed', async () => {
    const a = f.process();
    const b = f.process();
    await Promise.all([run(a.ledger.status()), run(b.ledger.status())]);
    expect(await completionsOf(a.store)).toHaveLength(1);
  });
});

describe('a completion recorded by its own command', () => {
  it('names the report that completed the task and carries its date', async () => {
    const f = harbinFile();
    try {
      const { ledger, store } = f.process();
      await run(ledger.init('simulated'));
      await run(ledger.importPlan(plan));
      f.clock.set('2024-10-01T02:00:00Z');
      for (const duty of TASK3_DUTIES) await run(ledger.report(duty));
      await run(ledger.report({ ...friendly, place: 'daoli', value: '12', by: '市妇联' }));
      f.clock.set('2024-10-02T17:00:00Z'); // 3 Oct, 01:00 in Harbin
      const done = await run(ledger.report({ ...friendly, place: 'nangang', value: '8', by: 'ndrc' }));
      expect(done.completedTask).toBe(true);
      const [completion] = await completionsOf(store);
      expect(completion).toMatchObject({ data: { completedOn: '2024-10-03' }, metadata: { causationId: done.eventId } });
    } finally {
      await f.close();
    }
  });
});
