import { join } from 'node:path';
import { cliAsync, until, WorkerProcess } from './testing/processes';
import { openSqlite, ROOT, SEED, tempDir } from './testing/run-cli';

/*
 * `minsheng worker --projection MODULE` runs a user's projection (examples/custom-projection's
 * reports per responsible unit per month) with the built-in worker's leases: two workers
 * compete, one applies, and when it is killed the other takes over from the committed
 * checkpoint, so no report is counted twice or missed.
 */
const MODULE = join(ROOT, 'examples/custom-projection/dist/unit-months.js');

jest.setTimeout(120_000);

const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
});

const start = (owner: string, file: string, module = MODULE): WorkerProcess => {
  const w = new WorkerProcess(owner, ['--db', file, '--projection', module, '--lease-ms', '1500', '--poll-ms', '100', '--batch-size', '2']);
  workers.push(w);
  return w;
};

describe('minsheng worker --projection', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  const report = async (file: string, place: string) => {
    const r = await cliAsync(['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', place, '--value', '7', '--as-of', '2024-09-30', '--responsible-unit', 'housing', '--db', file]);
    expect(r.code).toBe(0);
  };
  /** The projection's rows: reports per unit and month, as its own table holds them. */
  const counted = (file: string): number => {
    const db = openSqlite(file);
    try {
      return (db.prepare('SELECT COALESCE(SUM(reports), 0) AS n FROM unit_months_unit_months').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('runs the module\'s projection with leases: one of two workers applies, the other takes over when it is killed', async () => {
    const file = join(tmp.dir, 'ledger.db');
    expect((await cliAsync(['init', '--db', file])).code).toBe(0);
    expect((await cliAsync(['plan', 'import', SEED, '--db', file])).code).toBe(0);
    for (const place of ['daoli', 'nangang', 'daowai']) await report(file, place);
    const a = start('a', file);
    const b = start('b', file);
    const first = await Promise.race([a, b].map((w) => w.waitFor((l) => l.event === 'lease', 30_000).then(() => w)));
    const other = first === a ? b : a;
    await first.waitFor((l) => l.event === 'caught-up', 30_000);
    expect(counted(file)).toBe(3);
    expect(other.events('applied')).toEqual([]);

    first.kill('SIGKILL');
    await first.exited;
    for (const place of ['xiangfang', 'pingfang']) await report(file, place);
    await other.waitFor((l) => l.event === 'lease', 30_000);
    await until('the other worker applied the two new reports', () => counted(file) === 5, 30_000);
    // Exactly five: nothing the killed worker committed was applied again, and nothing was skipped.
    await until('the other worker reached the head', () => other.events('caught-up').length > 0 && counted(file) === 5, 30_000);
    expect(counted(file)).toBe(5);
    other.kill('SIGTERM');
    expect((await other.exited).code).toBe(0);
    expect(other.events('stopped')).toHaveLength(1);
  });

  it('refuses a module that exports no projection, with a one-line reason', async () => {
    const file = join(tmp.dir, 'ledger.db');
    const w = start('c', file, join(ROOT, 'packages/cli/dist/index.js'));
    const exited = await w.exited;
    expect(exited.code).toBe(2);
    expect(w.stderr.trim().split('\n')).toHaveLength(1);
    expect(w.stderr).toMatch(/--projection .*index\.js: export one projection definition \(defineProjection\), as its default or its only export; it exports 0/);
  });
});
