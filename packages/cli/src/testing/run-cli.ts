import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test helpers for the e2e tests: they run the BUILT CLI (`tsc -b` first) as a process. */
export const ROOT = join(__dirname, '../../../..');
export const MAIN = join(ROOT, 'packages/cli/dist/main.js');
export const SEED = join(ROOT, 'seeds/harbin-2024.json');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The language tests expect unless they set MINSHENG_LANG: English, though the Harbin plan's
 * locale is zh-CN, so that the tests written in English keep reading what they read.
 */
export const TEST_LANG = { MINSHENG_LANG: 'en' } as const;

/** Runs `minsheng args…` without the caller's MINSHENG_DB, MINSHENG_NOW and DATABASE_URL, unless `env` sets them; in English unless it sets MINSHENG_LANG. */
export const cli = (args: readonly string[], env: Record<string, string> = {}, cwd?: string): CliResult => {
  const base: NodeJS.ProcessEnv = { ...process.env, ...TEST_LANG };
  for (const k of ['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL']) delete base[k];
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...base, ...env }, encoding: 'utf8', cwd: cwd ?? ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Parses stdout of a --json run that must succeed. */
export const json = <T = any>(r: CliResult): T => {
  if (r.code !== 0) throw new Error(`minsheng exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

export const tempDir = (): { dir: string; remove(): void } => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-cli-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * better-sqlite3, from the store package that depends on it: the CLI does not, and a
 * test opens the file directly only to tamper with it as an outsider would.
 */
export const openSqlite = (file: string): any => {
  const Database = createRequire(join(ROOT, 'packages/store-sqlite/package.json'))('better-sqlite3');
  return new Database(file);
};

/**
 * Task 3's two duties with no figure (儿童友好理念, 重点项目) as `report` arguments: reported
 * done, they leave the count of child-friendly communities to decide the task's completion.
 */
export const TASK3_DUTIES: readonly (readonly string[])[] = [
  ['report', '--task', '3', '--metric', 't03-child-friendly-concept', '--place', 'harbin', '--as-of', '2024-09-30', '--value', 'yes', '--responsible-unit', 'womens-federation'],
  ['report', '--task', '3', '--metric', 't03-child-friendly-key-projects', '--place', 'harbin', '--as-of', '2024-09-30', '--value', 'yes', '--responsible-unit', 'ndrc'],
];

interface SeedMetric {
  readonly id: string;
  readonly level?: string;
  readonly target: { readonly kind: string };
  readonly responsibleUnits?: readonly string[];
}

/**
 * `report` arguments marking done, for the city, each city-level yes/no duty of a task of the
 * Harbin seed, by its lead unit: a test that needs the task met leaves its figures to decide it.
 */
export const cityDutiesDone = (task: number, asOf: string): string[][] => {
  const plan = JSON.parse(readFileSync(SEED, 'utf8')) as { tasks: { number: number; responsibleUnits: string[]; metrics: SeedMetric[] }[] };
  const t = plan.tasks.find((x) => x.number === task)!;
  return t.metrics
    .filter((m) => m.target.kind === 'yesNo' && m.level === 'city')
    .map((m) => ['report', '--task', String(task), '--metric', m.id, '--place', 'harbin', '--as-of', asOf, '--value', 'yes', '--responsible-unit', (m.responsibleUnits ?? t.responsibleUnits)[0]!]);
};
