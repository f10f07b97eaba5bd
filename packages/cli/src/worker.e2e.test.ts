// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { nextVersionName } from '@minsheng/projections';
import { join } from 'node:path';
import { postgresBackend, sqliteBackend, type Backend } from './testing/backends';
import { cliAsync, jsonOf, prng, sleep, until, WorkerProcess } from './testing/processes';
import { corruptStoredEvent } from '@minsheng/store-sqlite/testing';
import { cityDutiesDone, openSqlite, SEED, TASK3_DUTIES, tempDir } from './testing/run-cli';
import { startWriter, type Writer } from './testing/writer';

const pg = usePostgres();

/*
 * Projection workers as operators run them: `minsheng worker` processes against one ledger,
 * while a writer appends through the library (projectInline: false, as a service would).
 * Workers are killed with SIGKILL at points drawn from a seeded PRNG; MINSHENG_KILL_SEED
 * replays a run's choices (the timing of real processes never replays exactly).
 */
const RUN_SEED = Number(process.env.MINSHENG_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const LEASE_MS = 1500;
const POLL_MS = 100;
/** Takeover is bounded by the lease plus one poll; the rest is room for a loaded machine. */
const TAKEOVER_MARGIN_MS = 3000;
const NOW = '2025-01-02T00:00:00+08:00';

jest.setTimeout(120_000);

const workers: WorkerProcess[] = [];
const writers: Writer[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  // A failed test leaves its writer running: stop it, so its pool does not hold jest open.
  await Promise.all(writers.map((w) => w.stop()));
});

const writeTo = async (b: Backend, seed: number): Promise<Writer> => {
  const w = await startWriter(b.writerTarget(), seed);
  writers.push(w);
  return w;
};

/** Starts `minsheng worker` with a short lease, fast polls and small batches; `extra` options win. */
const startWorker = (b: Backend, owner: string, extra: string[] = []): WorkerProcess => {
  const w = new WorkerProcess(owner, [
    ...b.args(),
    '--lease-ms', String(LEASE_MS),
    '--poll-ms', String(POLL_MS),
    '--batch-size', '20',
    '--progress-ms', '500',
    ...extra,
  ]);
  workers.push(w);
  return w;
};

const workerStatus = async (b: Backend) => jsonOf(await cliAsync(['worker', '--status', '--json', ...b.args()]));
const lagOf = (s: { projections: { projection: string; lag: number }[] }) => s.projections.find((p) => p.projection === 'ledger-index')!.lag;

/**
 * Waits until the serving read model has applied the whole log and the log has stopped
 * growing (a worker's completion check may append TaskCompleted right after a batch).
 */
const settled = async (b: Backend): Promise<void> => {
  for (;;) {
    await drained(b);
    const head = (await workerStatus(b)).head;
    await sleep(400);
    const again = await workerStatus(b);
    if (again.head === head && lagOf(again) === 0) return;
  }
};

interface Sample {
  readonly head: number;
  readonly lag: number;
}

/** Waits until the serving read model has applied the whole log; returns what worker --status showed on the way. */
const drained = async (b: Backend, ms = 30_000): Promise<Sample[]> => {
  const seen: Sample[] = [];
  await until(
    'worker --status to show lag 0',
    async () => {
      const s = await workerStatus(b);
      seen.push({ head: s.head, lag: lagOf(s) });
      return lagOf(s) === 0;
    },
    ms,
    50,
  );
  return seen;
};

/** The lag only falls, but for events appended meanwhile (a completion the worker records). */
const expectFalling = (samples: readonly Sample[]) => {
  for (let i = 1; i < samples.length; i++) expect(samples[i]!.lag).toBeLessThanOrEqual(samples[i - 1]!.lag + samples[i]!.head - samples[i - 1]!.head);
};

/** The views an auditor compares, at fixed moments: by task, district and unit, known at the end and half way. */
const views = async (b: Backend, knownAt: { end: Date; mid: Date }): Promise<string[]> => {
  const q = (extra: string[]) => cliAsync(['status', '--json', '--no-project', '--now', NOW, ...b.args(), ...extra]);
  const end = knownAt.end.toISOString();
  const results = await Promise.all([
    q(['--group-by', 'task', '--as-of', '2024-12-31', '--known-at', end]),
    q(['--group-by', 'district', '--as-of', '2024-12-31', '--known-at', end]),
    q(['--group-by', 'unit', '--as-of', '2024-12-31', '--known-at', end]),
    q(['--group-by', 'district', '--as-of', '2024-02-15', '--known-at', knownAt.mid.toISOString()]),
  ]);
  return results.map((r) => (jsonOf(r), r.stdout));
};

/** (b): every indexable event has exactly one row, keyed by its position. */
const expectEachEventOnce = async (b: Backend, version: string) => {
  const indexed = await b.indexedPositions(version);
  expect(new Set(indexed).size).toBe(indexed.length);
  expect(indexed).toEqual(await b.indexableEventPositions());
};

interface KillRun {
  readonly rounds: number;
  readonly takeovers: number[];
  readonly killed: number;
  readonly events: number;
  readonly completed: number[];
}

/**
 * THE MULTI-WORKER KILL TEST. Three workers project while the writer appends; each round
 * SIGKILLs the lease holder (mostly) or a standby (sometimes both) at a random moment and
 * restarts the dead under new names. Then the writer stops, the workers drain the log, and
 * the read model they built must equal one rebuilt from scratch, row for row and view for view.
 */
const killTest = async (b: Backend, seed: number, rounds: number): Promise<KillRun> => {
  const rnd = prng(seed);
  const pick = <A>(xs: readonly A[]): A => xs[Math.floor(rnd() * xs.length)]!;
  const version = await b.active();
  const writer = await writeTo(b, seed);
  let generation = 0;
  const live = [1, 2, 3].map((i) => startWorker(b, `w${i}.0`));
  const started = [...live];
  await until('a worker to take the lease', async () => (await b.lease(version))?.live === true);
  const takeovers: number[] = [];
  let killed = 0;
  let mid = writer.clock();
  for (let round = 0; round < rounds; round++) {
    if (round === Math.floor(rounds / 2)) mid = writer.clock();
    await sleep(300 + rnd() * 1000);
    const lease = await b.lease(version);
    const holder = lease?.live ? live.find((w) => w.owner === lease.owner) : undefined;
    const victims = new Set<WorkerProcess>();
    if (holder && rnd() < 0.75) victims.add(holder);
    if (victims.size === 0 || rnd() < 0.3) victims.add(pick(live.filter((w) => !victims.has(w))));
    const gone = new Set([...victims].map((v) => v.owner));
    const killedAt = Date.now();
    for (const v of victims) v.kill('SIGKILL');
    killed += victims.size;
    if (holder && victims.has(holder)) {
      // (c): a survivor holds a live lease within the lease time (plus a poll, plus margin).
      await until(
        `a survivor to take over from ${holder.owner}`,
        async () => {
          const l = await b.lease(version);
          return l !== null && l.live && !gone.has(l.owner);
        },
        LEASE_MS + 15_000,
        20,
      );
      takeovers.push(Date.now() - killedAt);
    }
    await Promise.all([...victims].map((v) => v.exited));
    await sleep(rnd() * 500);
    for (const v of victims) {
      live.splice(live.indexOf(v), 1);
      const w = startWorker(b, `${v.owner.split('.')[0]}.${++generation}`);
      live.push(w);
      started.push(w);
    }
  }
  await writer.stop();
  const end = writer.clock();
  expect(writer.written()).toBeGreaterThan(100);
  // Refusals the writer may meet: a correction of a report no worker has indexed yet, or of a retracted one.
  for (const tag of Object.keys(writer.refused)) expect(['UnknownEvent', 'AlreadyRetracted', 'InvalidInput']).toContain(tag);
  await settled(b);

  for (const t of takeovers) expect(t).toBeLessThan(LEASE_MS + TAKEOVER_MARGIN_MS);
  // No worker met an error: a killed worker's half-done batch never committed, so nothing clashed.
  expect(started.flatMap((w) => w.events('error'))).toEqual([]);

  // Stopped with SIGTERM, each worker exits 0 and the holder releases the lease.
  const lease = await b.lease(version);
  const holderBefore = lease?.live ? lease.owner : undefined;
  for (const w of live) w.kill('SIGTERM');
  const exits = await Promise.all(live.map((w) => w.exited));
  expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  for (const w of live) expect(w.events('stopped')).toEqual([expect.objectContaining({ signal: 'SIGTERM' })]);
  if (holderBefore) expect(live.find((w) => w.owner === holderBefore)!.events('released')).toHaveLength(1);
  expect(await b.lease(version)).toBeNull();

  // (b): no event applied twice, none skipped.
  await expectEachEventOnce(b, version);
  // The completion policy ran where the workers applied the reports: each task whose targets are
  // all met is completed, and none twice, though holders died between a batch and its check.
  const completions = await b.completions();
  for (const n of Object.values(completions)) expect(n).toBe(1);
  const byTask = jsonOf(await cliAsync(['status', '--group-by', 'task', '--json', '--no-project', ...b.args()])).rows as { task: number; met: boolean | null }[];
  const metTasks = [...new Set(byTask.map((r) => r.task))].filter((t) => byTask.filter((r) => r.task === t).every((r) => r.met === true));
  expect(Object.keys(completions).map(Number).sort()).toEqual(expect.arrayContaining(metTasks.sort()));
  expect(metTasks.length).toBeGreaterThan(0);
  // (a): the same views and the same rows as a rebuild from scratch into a fresh version.
  const knownAt = { end, mid };
  const live_ = await views(b, knownAt);
  const liveRows = await b.rows(version);
  const rebuilt = jsonOf(await cliAsync(['rebuild', '--beside', '--json', ...b.args()]));
  expect(rebuilt).toMatchObject({ from: version, to: nextVersionName(version), dropped: false });
  expect(await b.active()).toBe(rebuilt.to);
  expect(await views(b, knownAt)).toEqual(live_);
  const fresh = await b.rows(rebuilt.to);
  for (const table of Object.keys(fresh)) expect({ table, rows: liveRows[table]!.length }).toEqual({ table, rows: fresh[table]!.length });
  expect(liveRows).toEqual(fresh);
  await expectEachEventOnce(b, rebuilt.to);
  return { rounds, takeovers, killed, events: (await b.indexableEventPositions()).length, completed: Object.keys(completions).map(Number) };
};

const report = (name: string, r: KillRun) =>
  // One line per engine in the test output: what the run did, for the record.
  process.stdout.write(
    `[kill test ${name}] seed ${RUN_SEED}: ${r.rounds} rounds, ${r.killed} workers SIGKILLed, ${r.events} events, tasks completed by workers: ${r.completed.join(', ') || 'none'}; takeovers after the holder died (ms): ${r.takeovers.join(', ')}; bound ${LEASE_MS + TAKEOVER_MARGIN_MS}\n`,
  );

describe('minsheng worker on PostgreSQL', () => {
  const b = postgresBackend(() => pg.databaseUrl());
  afterAll(() => b.close());

  beforeAll(async () => {
    expect((await cliAsync(['migrate', ...b.args()])).code).toBe(0);
    // The writer and the workers drive the clock: a simulated ledger (an empty migrated one takes its mode at init).
    expect((await cliAsync(['init', '--simulated', '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
    expect((await cliAsync(['plan', 'import', SEED, '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
    // Task 19's five mechanisms done, so that the writer's roads and bridges can meet it.
    for (const duty of cityDutiesDone(19, '2024-01-01')) expect((await cliAsync([...duty, '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
  });

  it('three workers SIGKILLed at random and restarted while a writer appends: equals a rebuild, no event applied twice, takeover within the lease', async () => {
    report('PostgreSQL', await killTest(b, RUN_SEED, 6));
  });

  it('rebuild --beside while workers run and the writer appends: status is the same during and after, the pointer switches, workers follow', async () => {
    const from = await b.active();
    const running = [startWorker(b, 'bg1'), startWorker(b, 'bg2')];
    await until('a worker to take the lease', async () => (await b.lease(from))?.live === true);
    const writer = await writeTo(b, RUN_SEED + 1);
    await sleep(800);
    // A moment whose events are all indexed: the answer at it must not change while the read model is rebuilt.
    await writer.pause();
    const t0 = writer.clock().toISOString();
    await drained(b);
    writer.resume();
    const q = ['status', '--group-by', 'district', '--as-of', '2024-12-31', '--known-at', t0, '--json', '--no-project', '--now', NOW, ...b.args()];
    const before = jsonOf(await cliAsync(q));

    let rebuilding = true;
    const rebuild = cliAsync(['rebuild', '--beside', '--json', ...b.args()]).finally(() => (rebuilding = false));
    const during: unknown[] = [];
    while (rebuilding || during.length < 2) during.push(jsonOf(await cliAsync(q)));
    const r = jsonOf(await rebuild);
    expect(r).toMatchObject({ from, to: nextVersionName(from) });
    for (const d of during) expect(d).toEqual(before);

    // The pointer switched, and the workers followed it into the new version.
    expect(await b.active()).toBe(r.to);
    await until('a worker to hold the lease in the new version', async () => (await b.lease(r.to))?.live === true);
    await Promise.all(running.map((w) => w.waitFor((l) => l.event === 'switched' && l.to === r.to)));
    await writer.stop();
    await settled(b);
    expect((await workerStatus(b)).readModel).toBe(r.to);
    expect(jsonOf(await cliAsync(q))).toEqual(before);

    // What the workers kept up after the switch equals a rebuild from scratch (no event arrives now).
    const next = jsonOf(await cliAsync(['rebuild', '--beside', '--json', ...b.args()]));
    expect(next.from).toBe(r.to);
    expect(await b.rows(r.to)).toEqual(await b.rows(next.to));
    await expectEachEventOnce(b, r.to);

    // --drop-old: the version the workers serve is dropped under them; they follow to the new one.
    const last = jsonOf(await cliAsync(['rebuild', '--beside', '--drop-old', '--json', ...b.args()]));
    expect(last).toMatchObject({ from: next.to, dropped: true });
    expect(await b.exists(next.to)).toBe(false);
    expect(await b.exists(r.to)).toBe(true);
    await until('a worker to hold the lease after --drop-old', async () => (await b.lease(last.to))?.live === true);
    expect(lagOf(await workerStatus(b))).toBe(0);
    expect(jsonOf(await cliAsync(q))).toEqual(before);

    for (const w of running) w.kill('SIGTERM');
    expect((await Promise.all(running.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0]);
  });

  it('worker --status shows the lag falling to 0 while a worker catches up, and the worker reports its progress', async () => {
    const writer = await writeTo(b, RUN_SEED + 2);
    await sleep(1500);
    await writer.stop();
    const start = await workerStatus(b);
    expect(start.projections[0]).toMatchObject({ projection: 'ledger-index', owner: null });
    expect(lagOf(start)).toBeGreaterThan(50);
    const w = startWorker(b, 'catch-up', ['--batch-size', '5', '--progress-ms', '100']);
    const samples = [{ head: start.head, lag: lagOf(start) }, ...(await drained(b))];
    expect(samples[samples.length - 1]!.lag).toBe(0);
    expectFalling(samples);
    expect(new Set(samples.map((x) => x.lag)).size).toBeGreaterThanOrEqual(3); // seen part way, not only before and after
    process.stdout.write(`[lag test] worker --status lags: ${samples.map((x) => x.lag).join(' → ')}\n`);

    await w.waitFor((l) => l.event === 'progress' && l.lag === 0);
    const progress = w.events('progress').map((l) => ({ head: l.head as number, lag: l.lag as number }));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expectFalling(progress);
    await settled(b);
    const head = (await workerStatus(b)).head;
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(w.events('released')).toEqual([expect.objectContaining({ checkpoint: head })]);
  });
});

describe('minsheng worker on SQLite', () => {
  const tmp = tempDir();
  const b = sqliteBackend(join(tmp.dir, 'ledger.db'));
  afterAll(async () => {
    await b.close();
    tmp.remove();
  });

  beforeAll(async () => {
    expect((await cliAsync(['init', '--simulated', '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
    expect((await cliAsync(['plan', 'import', SEED, '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
    // Task 19's five mechanisms done, so that the writer's roads and bridges can meet it.
    for (const duty of cityDutiesDone(19, '2024-01-01')) expect((await cliAsync([...duty, '--now', '2024-01-02T09:00:00+08:00', ...b.args()])).code).toBe(0);
  });

  it('three workers SIGKILLed at random and restarted while a writer appends: equals a rebuild, no event applied twice, takeover within the lease', async () => {
    report('SQLite', await killTest(b, RUN_SEED + 7, 4));
  });
});

describe('minsheng worker when its completion sweep keeps failing', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'ledger.db');
  const b = sqliteBackend(file);
  afterAll(async () => {
    await b.close();
    tmp.remove();
  });

  it('leaves a batch it cannot check to the sweep, which checks the other tasks, tries again twice, gives up saying so, and goes on applying batches', async () => {
    const now = ['--now', '2024-10-01T10:00:00+08:00'];
    expect((await cliAsync(['init', '--simulated', ...now, ...b.args()])).code).toBe(0);
    expect((await cliAsync(['plan', 'import', SEED, ...now, ...b.args()])).code).toBe(0);
    // Tasks 3 and 9 met by reports that are appended only, then indexed by a rebuild, which checks
    // no task: both completions are owed. (A check of a task recorded complete reads nothing.)
    const task3 = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--as-of', '2024-09-30', ...now, ...b.args()];
    for (const duty of TASK3_DUTIES) expect((await cliAsync([...duty, '--no-project', ...now, ...b.args()])).code).toBe(0);
    expect((await cliAsync([...task3, '--place', '道里区', '--value', '12', '--responsible-unit', '市妇联', '--no-project'])).code).toBe(0);
    expect((await cliAsync([...task3, '--place', 'nangang', '--value', '8', '--responsible-unit', 'ndrc', '--no-project'])).code).toBe(0);
    const task9 = ['report', '--task', '9', '--metric', 't09-elderly-home-adaptations', '--as-of', '2024-09-30', '--place', 'daoli', '--value', '4700'];
    expect((await cliAsync([...task9, '--responsible-unit', 'civil-affairs', '--no-project', ...now, ...b.args()])).code).toBe(0);
    expect((await cliAsync(['rebuild', ...now, ...b.args()])).code).toBe(0);
    // One more report on task 3, appended only: the worker applies it and checks task 3.
    expect((await cliAsync([...task3, '--place', 'xiangfang', '--value', '1', '--responsible-unit', 'ndrc', '--no-project'])).code).toBe(0);
    // Task 3's stream damaged: every check of task 3 (the batch's, the sweep's) cannot read it.
    const db = openSqlite(file);
    const position = db.prepare(`SELECT min(position) FROM events WHERE stream = 'task-harbin-2024-3'`).pluck().get() as number;
    db.close();
    corruptStoredEvent(file, position, { kind: 'bytes' });

    const w = startWorker(b, 'sweeper');
    const gaveUp = await w.waitFor((l) => l.event === 'error' && l.gaveUp === true, 30_000);
    expect(gaveUp).toMatchObject({ failedCount: 1, checked: 20, stopped: null, attempt: 3 });
    expect(gaveUp.failed).toEqual([{ planId: 'harbin-2024', task: 3, message: expect.stringContaining(`position ${position}`) }]);
    // The batch's check of task 3 failed three times and was left to the sweep; the first sweep
    // completed task 9 all the same, and failed on task 3 three times in all; the lease was held
    // throughout.
    expect(w.lines.filter((l) => l.event === 'completed').map((l) => [l.planId, l.task])).toEqual([['harbin-2024', 9]]);
    const errors = () =>
      w.lines.filter((l) => l.event === 'error').map((l) => (l.gaveUp ? 'gave up' : l.unchecked ? 'left to the sweep' : [l.attempt, l.retryInMs]));
    // The sweep's waits double: a poll, then two.
    const once = [[1, POLL_MS], [2, POLL_MS], 'left to the sweep', [1, POLL_MS], [2, 2 * POLL_MS], 'gave up'];
    expect(errors()).toEqual(once);
    // A report on another task, appended only: the worker applies it, and does not sweep again.
    const report = ['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', 'daoli', '--value', '7', '--as-of', '2024-09-30', '--responsible-unit', 'housing'];
    expect((await cliAsync([...report, '--no-project', ...now, ...b.args()])).code).toBe(0);
    await drained(b);
    await sleep(5 * POLL_MS);
    expect(errors()).toEqual(once);
    expect(w.lines.filter((l) => l.event === 'lease').map((l) => l.held)).toEqual([true]);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  });
});
