import { fixedClock } from '@minsheng/core';
import { createLedger, type Ledger } from '@minsheng/ledger';
import { loadHarbinPlan, run, TASK3_DUTIES } from '@minsheng/ledger/testing';
import { rebuildReadModel } from '@minsheng/projections';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../open-ledger';
import type { LedgerLocation } from '../options';
import type { Backend } from './backends';
import { prng } from './processes';
import { MAIN, ROOT, TEST_LANG } from './run-cli';

/*
 * The fault suite: a child process (the built CLI, or the writer beside this file that reports
 * through the CLI's own code) killed with SIGKILL at a random moment while it appends, projects,
 * imports a plan or rebuilds; then, on what it left: nothing half-written (every append whole),
 * `verify` ok, the next command answers, every completion is recorded, and the read model equals
 * one rebuilt from scratch. Each kind of fault runs until FAULT_ITERATIONS kills (default 50) or
 * FAULT_SECONDS (default 100), whichever comes first, and logs how many it did.
 */

export const FAULT_ITERATIONS = Number(process.env.FAULT_ITERATIONS ?? 50);
export const FAULT_SECONDS = Number(process.env.FAULT_SECONDS ?? 100);
/** Replays a run's choices of delays and reports (the timing of real processes never replays exactly). */
export const FAULT_SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A ledger made for one kill, and how to reach it. */
export interface FaultLedger {
  readonly location: LedgerLocation;
  readonly args: readonly string[];
  readonly backend: Backend;
  remove(): Promise<void>;
}

/** What differs between engines: templates built once, copied for every kill. */
export interface FaultEngine {
  readonly name: string;
  /** Creates an empty ledger to build a template in (init, as `minsheng init` does). */
  template(name: string): Promise<FaultLedger>;
  /** A copy of a template (closed), for one kill. */
  copy(template: FaultLedger): Promise<FaultLedger>;
}

const WRITER = join(__dirname, 'fault-writer.cjs');
// A clock later than anything the children record: the checks see every event.
const LATER = fixedClock('2030-01-01T00:00:00Z');
/**
 * The report every filler event is, spread over 36 streams (a report reads its stream first):
 * task 1 never completes on these (at most 3 a district of 73 stations, of 250 outlets).
 */
const DISTRICTS = ['daoli', 'daowai', 'nangang', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng', 'shuangcheng', 'shangzhi',
  'wuchang', 'yilan', 'fangzheng', 'binxian', 'bayan', 'mulan', 'tonghe', 'yanshou'];
const filler = (i: number) => ({
  task: 1,
  metric: i % 2 ? 't01-job-stations' : 't01-social-bank-outlets',
  place: DISTRICTS[Math.floor(i / 2) % DISTRICTS.length]!,
  asOf: '2024-09-30',
  value: String(i % 4),
  responsibleUnit: 'hrss',
});
export const FILLER = 1500;

/** Writes the plan and FILLER reports (appended only), then `then(ledger)`; the read model is brought up to date unless `behind`. */
const build = async (l: FaultLedger, behind: boolean, then: (ledger: Ledger) => Promise<void>): Promise<void> => {
  let t = Date.parse('2024-01-05T02:00:00Z');
  const clock = { now: () => new Date((t += 1000)) };
  // Templates need no fsync per append: they are copied once closed.
  const open = await openLedger(l.location, clock, { create: true, synchronous: 'normal' });
  try {
    // Simulated: the template and the children record on the suite's 2024 clocks.
    await run(open.ledger.init('simulated'));
    await run(open.ledger.importPlan(loadHarbinPlan()));
    t = Date.parse('2024-10-01T02:00:00Z');
    const appendOnly = createLedger({ store: open.store, readModel: open.readModel, clock, projectInline: false });
    for (let i = 0; i < FILLER; i++) await run(appendOnly.report(filler(i)));
    await then(appendOnly);
    if (!behind) await run(open.ledger.status());
  } finally {
    await open.close();
  }
};

/**
 * The plan with a new title and every metric renamed: importing it writes a new frame and a new
 * target for each of the 89 metrics, 90 events in one append.
 */
export const planVariant = (dir: string, n: number): string => {
  const plan = loadHarbinPlan();
  const file = join(dir, `variant-${n}.json`);
  const variant = {
    ...plan,
    title: `${plan.title}（修订${n}）`,
    tasks: plan.tasks.map((t) => ({ ...t, metrics: t.metrics.map((m) => ({ ...m, name: `${m.name}（修订${n}）` })) })),
  };
  writeFileSync(file, JSON.stringify(variant));
  return file;
};
export const IMPORT_EVENTS = 90;

/** What one kind of fault runs in its child, on which template. */
export interface FaultKind {
  readonly name: string;
  /** 'behind': a read model at the plan, with FILLER reports and task 3's completion still to project. */
  readonly template: 'projected' | 'behind';
  /** The child's program and arguments (after `node`). */
  command(l: FaultLedger, i: number, seed: number): string[];
  /** For a child that never ends by itself, how long it may run before the kill; otherwise measured on a run left to end. */
  readonly windowMs?: number;
}

export const faultKinds = (dir: string): FaultKind[] => [
  {
    name: 'append (reports, each projected and checked for completion)',
    template: 'projected',
    command: (l, _, seed) => [WRITER, ...l.args, String(seed)],
    windowMs: 3000,
  },
  {
    name: 'projection (a worker catching up)',
    template: 'behind',
    command: (l) => [MAIN, 'worker', ...l.args, '--batch-size', '50', '--poll-ms', '50'],
    windowMs: 2500,
  },
  { name: 'plan import (90 events in one append)', template: 'projected', command: (l, i) => [MAIN, 'plan', 'import', planVariant(dir, i), ...l.args] },
  { name: 'rebuild (in place)', template: 'projected', command: (l) => [MAIN, 'rebuild', '--threads', '0', ...l.args] },
];

/** Whether any process of the group is left. */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs the child in a process group of its own; kills the whole group with SIGKILL after
 * `delayMs` unless it ended first, as a crash of the machine or container would: `minsheng
 * rebuild` runs in a second process it starts (young-generation.ts), which a SIGKILL of the
 * first alone leaves running. Whether the kill landed, and how long the child ran.
 */
const runAndKill = async (argv: string[], delayMs: number | null): Promise<{ killed: boolean; code: number | null; ms: number; stderr: string }> => {
  const started = Date.now();
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...TEST_LANG, MINSHENG_NOW: '', MINSHENG_NO_PROJECT: '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const timer = delayMs === null ? undefined : setTimeout(() => groupAlive(child.pid!) && process.kill(-child.pid!, 'SIGKILL'), delayMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  // The group's other processes die with it; wait until they have.
  for (let i = 0; i < 100 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 50));
  return { killed: signal === 'SIGKILL', code, ms: Date.now() - started, stderr };
};

/** Every check made after a kill, on the ledger the child left. */
export const checkAfterKill = async (l: FaultLedger): Promise<{ events: number; completions: number }> => {
  const open = await openLedger(l.location, LATER, {});
  try {
    const log = await run(open.store.readAll({ raw: true }));
    // Nothing half-written: an append's events share one correlation id; a plan import is 90 of them, anything else 1.
    const appends = new Map<string, string[]>();
    for (const e of log) appends.set(e.metadata.correlationId, [...(appends.get(e.metadata.correlationId) ?? []), e.type]);
    for (const [, types] of appends) {
      const imported = types.some((t) => t === 'PlanPublished' || t === 'TargetSet');
      expect({ types: [...new Set(types)], n: types.length }).toEqual({ types: [...new Set(types)], n: imported ? IMPORT_EVENTS : 1 });
    }
    expect(await run(open.ledger.verify())).toMatchObject({ ok: true, events: log.length });
    // The next command brings the read model up to date and records every completion owed.
    const view = await run(open.ledger.status());
    const byTask = new Map<number, { met: boolean | null; completionRecorded: boolean }[]>();
    for (const r of view.rows) byTask.set(r.task, [...(byTask.get(r.task) ?? []), r]);
    for (const [task, rows] of byTask)
      if (rows.every((r) => r.met)) expect({ task, recorded: rows.every((r) => r.completionRecorded) }).toEqual({ task, recorded: true });
    // The read model equals one rebuilt from scratch beside it.
    const live = await open.versions.active('ledger-index');
    const scratch = open.kind === 'sqlite' ? 'fault_' : 'fault_rebuilt';
    const fresh = await open.openReadModel(scratch);
    expect((await rebuildReadModel(open.store, fresh)())._tag).toBe('Right');
    await fresh.close();
    expect(await l.backend.rows(scratch)).toEqual(await l.backend.rows(live));
    const completions = Object.values(await l.backend.completions()).reduce((n, c) => n + c, 0);
    return { events: (await run(open.store.headPosition())), completions };
  } finally {
    await l.backend.close();
    await open.close();
  }
};

/** One kind of fault on one engine: copies, kills and checks until the count or the time runs out. */
export const runFaultKind = async (engine: FaultEngine, kind: FaultKind, templates: Record<FaultKind['template'], FaultLedger>): Promise<number> => {
  const rnd = prng(FAULT_SEED);
  const started = Date.now();
  let window = kind.windowMs ?? 0;
  if (kind.windowMs === undefined) {
    const l = await engine.copy(templates[kind.template]);
    try {
      const whole = await runAndKill(kind.command(l, 0, 0), null);
      expect({ code: whole.code, stderr: whole.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      window = whole.ms;
    } finally {
      await l.remove();
    }
  }
  let done = 0;
  let landed = 0;
  let completions = 0;
  while (done < FAULT_ITERATIONS && Date.now() - started < FAULT_SECONDS * 1000) {
    const l = await engine.copy(templates[kind.template]);
    try {
      // A short command spends most of its life starting: its kills fall in the second half of
      // the run measured (and a little after); a child that never ends is killed anywhere after it started.
      const at = kind.windowMs === undefined ? 0.5 + 0.55 * rnd() : 0.2 + 0.8 * rnd();
      const k = await runAndKill(kind.command(l, done + 1, Math.floor(rnd() * 2 ** 31)), Math.floor(at * window));
      if (k.killed) landed++;
      completions += (await checkAfterKill(l)).completions;
      done++;
    } finally {
      await l.remove();
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    `fault suite, ${engine.name}, ${kind.name}: ${done} runs in ${seconds} s, ${landed} killed before they ended (window ${window} ms), ` +
      `${completions} completions recorded in all; FAULT_SEED=${FAULT_SEED}\n`,
  );
  return done;
};

/** Builds the two templates on an engine. */
export const buildTemplates = async (engine: FaultEngine): Promise<Record<FaultKind['template'], FaultLedger>> => {
  const projected = await engine.template('projected');
  // Task 3 one report short of complete and task 13 well short: the writer completes them.
  await build(projected, false, async (ledger) => {
    for (const duty of TASK3_DUTIES) await run(ledger.report(duty));
    await run(ledger.report({ task: 3, metric: 't03-child-friendly-communities', place: 'hulan', asOf: '2024-09-30', value: '12', responsibleUnit: 'womens-federation' }));
  });
  const behind = await engine.template('behind');
  // Task 3 completed by reports the read model has not seen: a worker's (or the next command's) to record.
  await build(behind, true, async (ledger) => {
    for (const duty of TASK3_DUTIES) await run(ledger.report(duty));
    await run(ledger.report({ task: 3, metric: 't03-child-friendly-communities', place: 'hulan', asOf: '2024-09-30', value: '12', responsibleUnit: 'womens-federation' }));
    await run(ledger.report({ task: 3, metric: 't03-child-friendly-communities', place: 'acheng', asOf: '2024-09-30', value: '8', responsibleUnit: 'womens-federation' }));
  });
  return { projected, behind };
};

