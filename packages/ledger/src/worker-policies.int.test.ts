import { ledgerRegistry } from '@minsheng/core';
import { createInMemoryEventStore, storeUnavailable, type EventStore } from '@minsheng/event-store';
import { createSqliteReadModel, runWorker, type ReadModelReader } from '@minsheng/projections';
import { isLeft } from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { createLedger, SWEEP_FAILING_IN_A_ROW, type Ledger } from './ledger';
import { loadHarbinPlan, manualClock, run, TASK3_DUTIES } from './testing';

const friendly = { task: 3, metric: 't03-child-friendly-communities', asOf: '2024-09-30', planId: 'harbin-2024' };

/**
 * The Harbin plan imported (and projected) on 5 Jan 2024 into an in-memory store and read model.
 * `ledger(reader?)` is a worker-mode ledger on them (with another reader, for a read model that
 * misbehaves); `reportsDue()` moves the clock to 1 Oct; `cannotRead(stream)` makes the store fail
 * to read that stream from then on.
 */
const harbinInWorkerMode = async () => {
  const clock = manualClock('2024-01-05T02:00:00Z');
  const inner = createInMemoryEventStore({ registry: ledgerRegistry, clock });
  let unreadable: string | null = null;
  const store: EventStore = {
    ...inner,
    readStream: (stream, o) => (stream === unreadable ? TE.left(storeUnavailable(new Error('disk read error'))) : inner.readStream(stream, o)),
  };
  const model = createSqliteReadModel({ file: ':memory:' });
  const setup = createLedger({ store, readModel: model, clock });
  await run(setup.init('simulated'));
  await run(setup.importPlan(loadHarbinPlan()));
  return {
    store,
    model,
    ledger: (reader: ReadModelReader = model.reader) => createLedger({ store, readModel: { reader, writer: model.writer }, clock, projectInline: false }),
    reportsDue: () => clock.set('2024-10-01T02:00:00Z'),
    cannotRead: (stream: string) => (unreadable = stream),
  };
};

/** How many TaskCompleted events task 3's stream holds, and whether every status row of task 3 shows its completion recorded. */
const task3Completion = async (store: EventStore, ledger: Ledger) => ({
  recorded: (await run(store.readStream('task-harbin-2024-3'))).filter((e) => e.type === 'TaskCompleted').length,
  shown: (await run(ledger.status({ planId: 'harbin-2024' }))).rows.filter((r) => r.task === 3).every((r) => r.completionRecorded),
});

describe('policies in worker mode (projectInline: false)', () => {
  it('records TaskCompleted from the worker that projected the completing report, once', async () => {
    const clock = manualClock('2024-01-05T02:00:00Z');
    const store = createInMemoryEventStore({ registry: ledgerRegistry, clock });
    const model = createSqliteReadModel({ file: ':memory:' });
    const ledger = createLedger({ store, readModel: model, clock, projectInline: false });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(loadHarbinPlan()));
    clock.set('2024-10-01T02:00:00Z');
    const stop = new AbortController();
    const completed: number[] = [];
    const worker = runWorker({
      store,
      model,
      owner: 'w',
      leaseMs: 1000,
      pollMs: 10,
      signal: stop.signal,
      onApplied: async (events) => {
        const r = await ledger.applyPolicies(events)();
        if (isLeft(r)) throw new Error(r.left.message);
        completed.push(...r.right);
      },
    });
    const until = async (cond: () => Promise<boolean>) => {
      for (let i = 0; i < 500 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const caughtUp = async () => (await model.reader.checkpoint()) === (await run(store.headPosition()));
    await until(caughtUp);
    for (const duty of TASK3_DUTIES) await run(ledger.report(duty));
    await run(ledger.report({ ...friendly, place: 'daoli', value: '12', by: '市妇联' }));
    await run(ledger.report({ ...friendly, place: 'nangang', value: '8', by: 'ndrc' }));
    await until(async () => completed.length > 0 && (await caughtUp()));
    await run(ledger.report({ ...friendly, place: 'nangang', value: '9', by: 'ndrc' }));
    await until(caughtUp);
    stop.abort();
    await worker;
    expect(completed).toEqual([3]);
    expect(await task3Completion(store, ledger)).toEqual({ recorded: 1, shown: true });
    model.close();
  });

  it('completes, in a sweep of every task (applyPoliciesToAll), a task whose completing report no per-batch check saw, once', async () => {
    const { store, model, ledger, reportsDue } = await harbinInWorkerMode();
    reportsDue();
    for (const duty of TASK3_DUTIES) await run(ledger().report(duty));
    await run(ledger().report({ ...friendly, place: 'daoli', value: '12', by: '市妇联' }));
    await run(ledger().report({ ...friendly, place: 'nangang', value: '8', by: 'ndrc' }));
    // Projected without its policies (a catch-up in threads, or a worker that died before checking).
    await run(ledger().project());
    expect((await task3Completion(store, ledger())).recorded).toBe(0);
    expect(await run(ledger().applyPoliciesToAll())).toEqual({ checked: 20, completed: [{ planId: 'harbin-2024', task: 3 }], failed: [], stopped: null });
    await run(ledger().project());
    // Run again, it finds the task complete and records nothing.
    expect(await run(ledger().applyPoliciesToAll())).toEqual({ checked: 20, completed: [], failed: [], stopped: null });
    expect(await task3Completion(store, ledger())).toEqual({ recorded: 1, shown: true });
    model.close();
  });

  it('goes on with the other tasks when one task cannot be checked, and lists it', async () => {
    const { model, ledger, reportsDue, cannotRead } = await harbinInWorkerMode();
    reportsDue();
    for (const duty of TASK3_DUTIES) await run(ledger().report(duty));
    await run(ledger().report({ ...friendly, place: 'daoli', value: '20', by: '市妇联' }));
    await run(ledger().report({ task: 9, metric: 't09-elderly-home-adaptations', asOf: '2024-09-30', planId: 'harbin-2024', place: 'daoli', value: '4700', by: 'civil-affairs' }));
    await run(ledger().project());
    // Task 3's stream cannot be read now (its stored events damaged, say).
    cannotRead('task-harbin-2024-3');
    const r = await run(ledger().applyPoliciesToAll());
    expect(r).toMatchObject({ checked: 20, completed: [{ planId: 'harbin-2024', task: 9 }], stopped: null });
    expect(r.failed.map(({ planId, task, failure }) => ({ planId, task, message: failure.message }))).toEqual([
      { planId: 'harbin-2024', task: 3, message: 'the event store failed: disk read error' },
    ]);
    model.close();
  });

  it('stops between tasks once its signal aborts, looking at it as each task comes up', async () => {
    const { model, ledger } = await harbinInWorkerMode();
    const stop = new AbortController();
    let checked = 0;
    // Every check reads the targets of its task: the first one aborts the sweep.
    const reader = { ...model.reader, targets: (...args: Parameters<typeof model.reader.targets>) => {
      checked++;
      stop.abort();
      return model.reader.targets(...args);
    } };
    const stopping = ledger(reader);
    expect(await run(stopping.applyPoliciesToAll(stop.signal))).toEqual({ checked: 1, completed: [], failed: [], stopped: 'aborted' });
    expect(checked).toBe(1);
    // Aborted before it starts, it checks nothing.
    expect(await run(stopping.applyPoliciesToAll(stop.signal))).toEqual({ checked: 0, completed: [], failed: [], stopped: 'aborted' });
    expect(checked).toBe(1);
    model.close();
  });

  it('stops once several checks in a row have failed, and lists a plan whose own events cannot be read', async () => {
    const { model, ledger, cannotRead } = await harbinInWorkerMode();
    // The read model failing: every check fails, and the sweep stops after the third.
    let calls = 0;
    const reader = { ...model.reader, targets: async () => {
      calls++;
      throw new Error('the read model is down');
    } };
    const r = await run(ledger(reader).applyPoliciesToAll());
    expect(r).toMatchObject({ checked: SWEEP_FAILING_IN_A_ROW, completed: [], stopped: 'failing' });
    expect(r.failed.map((f) => f.task)).toEqual([1, 2, 3].slice(0, SWEEP_FAILING_IN_A_ROW));
    expect(calls).toBe(SWEEP_FAILING_IN_A_ROW);
    // The plan's own stream unreadable: listed with no task, nothing checked.
    cannotRead('plan-harbin-2024');
    const p = await run(ledger().applyPoliciesToAll());
    expect(p).toMatchObject({ checked: 0, completed: [], stopped: null });
    expect(p.failed.map(({ planId, task, failure }) => ({ planId, task, message: failure.message }))).toEqual([
      { planId: 'harbin-2024', task: null, message: 'the event store failed: disk read error' },
    ]);
    model.close();
  });
});
