import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MAIN, ROOT, TEST_LANG, type CliResult } from './run-cli';
import { seededRandom } from '../demo/prng';

/** The caller's environment without the variables that name a ledger or fix the clock. */
const cleanEnv = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const base: NodeJS.ProcessEnv = { ...process.env, ...TEST_LANG };
  for (const k of ['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL', 'MINSHENG_NO_PROJECT']) delete base[k];
  return { ...base, ...env };
};

/** Runs `minsheng args…` as a process without blocking this one (workers keep reporting meanwhile). */
export const cliAsync = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: cleanEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded by the stream, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

export const jsonOf = <T = any>(r: CliResult): T => {
  if (r.code !== 0) throw new Error(`minsheng exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** One line a worker printed with --json, and when this process received it. */
export interface WorkerLine {
  readonly at: string;
  readonly event: string;
  readonly owner: string;
  readonly receivedAt: number;
  readonly [field: string]: unknown;
}

interface Waiter {
  readonly match: (l: WorkerLine) => boolean;
  readonly resolve: (l: WorkerLine) => void;
}

/** A `minsheng worker --json` process: its lines as they arrive, and its end. */
export class WorkerProcess {
  readonly lines: WorkerLine[] = [];
  stderr = '';
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Waiter[] = [];
  running = true;

  constructor(
    readonly owner: string,
    args: readonly string[],
    env: Record<string, string> = {},
  ) {
    this.child = spawn(process.execPath, [MAIN, 'worker', '--owner', owner, '--json', ...args], {
      env: cleanEnv(env),
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.running = false;
        resolve({ code, signal });
      }),
    );
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: WorkerLine;
      try {
        line = { ...(JSON.parse(text) as object), receivedAt: Date.now() } as WorkerLine;
      } catch {
        line = { at: '', event: 'unparsed', owner: this.owner, receivedAt: Date.now(), text };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
  }

  /** The first line (already received or still to come) that matches, or a rejection after `ms`. */
  waitFor(match: (l: WorkerLine) => boolean, ms = 15_000): Promise<WorkerLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`worker ${this.owner}: no matching line within ${ms} ms; lines: ${JSON.stringify(this.lines.slice(-5))}; stderr: ${this.stderr}`));
      }, ms);
      const done = (l: WorkerLine) => {
        clearTimeout(timer);
        resolve(l);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  events(event: string): WorkerLine[] {
    return this.lines.filter((l) => l.event === event);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }
}

/** Resolves once `cond` holds (polled every `everyMs`), or rejects after `ms` naming `what`. */
export const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 20_000, everyMs = 100): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The demo's seeded PRNG (mulberry32), so a run's choices can be replayed from its seed. */
export const prng = seededRandom;
