// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { join } from 'node:path';
import { withClient } from './testing/engines';
import { JAN, OCT1, OCT5, OCT6 } from './testing/flows';
import { cli, json, openSqlite, SEED, TASK3_DUTIES, tempDir } from './testing/run-cli';

/*
 * Item 7 of issue 13: the built CLI, killed with SIGKILL the moment its report's append has
 * committed (a preload wraps the store, see testing/kill-after-append.cjs), leaves the task met
 * with no TaskCompleted. The next command, whichever it is, records the completion first, dated
 * by the report that completed the task.
 */

const pg = usePostgres();
const tmp = tempDir();
afterAll(() => tmp.remove());
const KILL_AFTER_APPEND = { NODE_OPTIONS: `--require ${join(__dirname, 'testing', 'kill-after-append.cjs')}` };
const friendly = ['--task', '3', '--metric', 't03-child-friendly-communities', '--as-of', '2024-09-30'];

interface StoredRow {
  readonly position: number;
  readonly type: string;
  readonly eventId: string;
  readonly data: { completedOn?: string };
  readonly metadata: { causationId?: string };
}

let files = 0;

/** A fresh ledger of each engine: the options naming it, and its events as stored. */
const engines: [string, () => Promise<{ args: string[]; events(): Promise<StoredRow[]> }>][] = [
  [
    'SQLite',
    async () => {
      const file = join(tmp.dir, `ledger-${++files}.db`);
      return {
        args: ['--db', file],
        events: async () => {
          const db = openSqlite(file);
          try {
            return (db.prepare('SELECT position, type, event_id, data, metadata FROM events ORDER BY position').all() as any[]).map(parsed);
          } finally {
            db.close();
          }
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.server().createDatabase('minsheng_kill');
      return {
        args: ['--database-url', url],
        events: () =>
          withClient(url, async (c) =>
            (await c.query('SELECT position, type, event_id, data, metadata FROM minsheng.events ORDER BY position')).rows.map(parsed),
          ),
      };
    },
  ],
];

const parsed = (r: any): StoredRow => ({
  position: Number(r.position),
  type: r.type,
  eventId: r.event_id,
  data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
  metadata: typeof r.metadata === 'string' ? JSON.parse(r.metadata) : r.metadata,
});

describe.each(engines)('a report killed right after its append, on %s', (_, fresh) => {
  it.each([
    ['status', ['status']],
    ['plan show', ['plan', 'show']],
    ['audit', ['audit', '--task', '1', '--metric', 't01-job-stations']],
    ['deadlines', ['deadlines']],
    ['a report on another task', ['report', '--task', '1', '--metric', 't01-job-stations', '--place', 'daoli', '--as-of', '2024-10-05', '--value', '3', '--responsible-unit', 'hrss']],
  ])('leaves the completion owed; the next command (%s) records it, dated by the report', async (_, next) => {
    const ledger = await fresh();
    const run = (args: string[], now: string, env: Record<string, string> = {}) => cli([...args, ...ledger.args, '--now', now], env);
    expect(run(['init', '--simulated'], JAN).code).toBe(0);
    expect(run(['plan', 'import', SEED], JAN).code).toBe(0);
    for (const duty of TASK3_DUTIES) expect(run([...duty], OCT1).code).toBe(0);
    expect(run(['report', ...friendly, '--place', 'daoli', '--value', '12', '--responsible-unit', '市妇联'], OCT1).code).toBe(0);

    const killed = run(['report', ...friendly, '--place', 'nangang', '--value', '8', '--responsible-unit', 'ndrc'], OCT5, KILL_AFTER_APPEND);
    expect(killed.code).toBeNull();
    expect(killed.stdout).toBe('');
    const written = await ledger.events();
    const report = written[written.length - 1]!;
    expect(report.type).toBe('ProgressReported');
    expect(written.some((e) => e.type === 'TaskCompleted')).toBe(false);

    const r = run(next, OCT6);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const completions = (await ledger.events()).filter((e) => e.type === 'TaskCompleted');
    expect(completions).toEqual([
      expect.objectContaining({
        position: report.position + 1,
        data: expect.objectContaining({ task: 3, completedOn: '2024-10-05' }),
        metadata: expect.objectContaining({ causationId: report.eventId }),
      }),
    ]);
    const rows = json(run(['status', '--json'], OCT6)).rows.filter((x: { task: number }) => x.task === 3);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(Array(3).fill(expect.objectContaining({ status: 'complete', completionRecorded: true })));
  });
});
