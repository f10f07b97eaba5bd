// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { until } from './testing/processes';
import { cli, MAIN, SEED } from './testing/run-cli';

const pg = usePostgres();

/*
 * A worker stopped with Ctrl-C (issue 18): the first SIGINT says at once that it stops once the
 * lease is released and that a second one cuts that short; the second, while the stop still
 * waits, stops at once (exit 130). The stop waits for as long as this test holds the lease row
 * (SELECT … FOR UPDATE): the worker's query waits on PostgreSQL while its event loop runs, so the
 * second signal always lands while the first stop is under way.
 */

jest.setTimeout(120_000);

const JAN = '2024-01-02T09:00:00+08:00';

/** The words each language says it in: the lease taken, the first signal's line, the second's. */
const SAYS = {
  en: {
    env: { MINSHENG_LANG: 'en' },
    took: /took the lease on ledger-index in /,
    stopping: 'minsheng: SIGINT: stopping once the batch in hand is applied and the lease released (SIGINT again stops at once)\n',
    again: 'minsheng: SIGINT again; stopping at once without releasing the lease\n',
  },
  'zh-CN': {
    // No MINSHENG_LANG: the plan's locale.
    env: { MINSHENG_LANG: '' },
    took: /已取得读模型 \S+ 中 ledger-index 的租约/,
    stopping: 'minsheng: 收到 SIGINT：应用完当前批次并释放租约后停止（再次发送 SIGINT 立即停止）\n',
    again: 'minsheng: 再次收到 SIGINT；立即停止，不释放租约\n',
  },
} as const;

describe('minsheng worker on SIGINT, and SIGINT again', () => {
  const on = () => ['--database-url', pg.databaseUrl()];

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...on(), '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...on(), '--now', JAN]).code).toBe(0);
  });

  it.each(Object.keys(SAYS) as (keyof typeof SAYS)[])('in %s', async (lang) => {
    const says = SAYS[lang];
    const env = Object.fromEntries(Object.entries({ ...process.env, ...says.env }).filter(([k]) => !['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL', 'MINSHENG_NO_PROJECT'].includes(k)));
    // A short lease: the next case's worker takes over the lease this one never releases.
    const child = spawn(process.execPath, [MAIN, 'worker', ...on(), '--lease-ms', '1000', '--poll-ms', '50'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const holder = new Client({ connectionString: pg.databaseUrl() });
    await holder.connect();
    try {
      await until('the worker takes the lease', () => says.took.test(stdout));
      const [{ name }] = (await holder.query<{ name: string }>(`SELECT coalesce((SELECT name FROM minsheng.read_model_active WHERE projection = 'ledger-index'), 'minsheng_rm') AS name`)).rows as [{ name: string }];
      await holder.query('BEGIN');
      const locked = await holder.query(`SELECT owner FROM ${name}.leases WHERE projection = 'ledger-index' FOR UPDATE`);
      expect(locked.rows).toHaveLength(1);

      child.kill('SIGINT');
      await until('the first SIGINT is said', () => stderr.length > 0);
      expect(stderr).toBe(says.stopping);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toBe(says.stopping + says.again);
      // It stopped before its stop was done: the lease was never released.
      expect(stdout).not.toMatch(/released|释放/);
    } finally {
      child.kill('SIGKILL');
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
