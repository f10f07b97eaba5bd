import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * `pnpm bench` at its smoke scale (tiny logs: every row runs, no figure means much), and its
 * PostgreSQL section at the small scale, as a process (the built dist/run.js, `tsc -b` first), so
 * the bench cannot rot: both tables come out with every row. Nothing here is timed: the
 * numbers are the bench's to print, not a test's to judge.
 */

const run = promisify(execFile);
const RUN = join(__dirname, '..', 'dist', 'run.js');

/** Each table's rows, by the start of their names, in order. */
const SQLITE_ROWS = [
  'single appends',
  'batched appends',
  '  the same, in CPU time',
  'rebuild the ledger index',
  'audit trail of one district figure',
  '  the same, its streams read whole',
  'audit trail of one city figure',
  '  the same, its streams read whole',
  'district view',
  '  the same, redrawn (the view kept',
  "  the same, each pair's figure by the query",
  'inclusion proof at ',
  'consistency proof to ',
  'minsheng-verify of an export of ',
  'inclusion proof at ',
  'consistency proof to ',
  'minsheng-verify of an export of ',
  'peak RSS',
];
const POSTGRES_ROWS = [
  'PostgreSQL ',
  'single appends (1 event/call, expected revision), 1 writer',
  'single appends, 16 writers on streams of their own',
  'batched appends (100 events/call)',
  'read the global log at ',
  'rebuild the ledger index (PostgreSQL) at ',
  '3 workers sharing the projection',
  "  lag from an append's commit to the checkpoint",
  'read the global log at ',
  'rebuild the ledger index (PostgreSQL) at ',
  'read one stream whole',
  'audit trail of one district figure',
  '  the same, its streams read whole',
  'audit trail of one city figure',
  '  the same, its streams read whole',
  'district view',
  '  the same, redrawn (the view kept',
  "  the same, each pair's figure by the query",
  'city view',
  '  the same, redrawn (the view kept',
  "  the same, each pair's figure by the query",
  "  the audit's store reads, a district figure",
  "  the audit's store reads, a city figure",
  'inclusion proof at ',
  'consistency proof to ',
  '  event table with its indexes, per million events',
];

const SIGNED_ROWS = ['single reports (ledger.report, sign + verify + append', 'batched reports (100 streams/appendBatches, sign + verify each'];

const rowsOf = (table: string): string[][] =>
  table
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| measure'))
    .map((l) => l.slice(2, -2).split(' | ').map((c) => c.trimEnd()));

const inOrder = (names: readonly string[], expected: readonly string[]) => {
  let at = 0;
  for (const want of expected) {
    const found = names.findIndex((n, i) => i >= at && n.startsWith(want));
    expect({ want, found: found >= 0 }).toEqual({ want, found: true });
    at = found + 1;
  }
};

test('BENCH_SCALE=smoke prints the SQLite, PostgreSQL and signed-reports tables, every row with a goal where it has one', async () => {
  const { stdout } = await run(process.execPath, ['--max-semi-space-size=64', RUN], {
    env: { ...process.env, BENCH_SCALE: 'smoke' },
    maxBuffer: 16 * 2 ** 20,
  });
  const [sqlite, rest] = stdout.split('\nPostgreSQL\n');
  const [postgres, signed] = (rest ?? '').split('\nSigned reports (SQLite)\n');
  expect(postgres).toBeDefined();
  // Signed beside unsigned, each cell a rate.
  const signedRows = rowsOf(signed ?? '');
  inOrder(signedRows.map((r) => r[0]!), SIGNED_ROWS);
  for (const [name, ours, unsigned] of signedRows) expect({ name, cells: /\d/.test(ours ?? '') && /\d/.test(unsigned ?? '') }).toEqual({ name, cells: true });
  const lite = rowsOf(sqlite!);
  inOrder(lite.map((r) => r[0]!), SQLITE_ROWS);
  // The proof, verifier and view rows say whether this run met their goals.
  for (const [name, , , , goal] of lite.filter((r) => /^(inclusion|consistency) proof|^minsheng-verify of|^district view|^ {2}the same, redrawn/.test(r[0]!) && r[4]))
    expect({ name, verdict: /· (ok|MISS)$/.test(goal!) }).toEqual({ name, verdict: true });
  checkPostgresTable(postgres!);
}, 30 * 60_000);

/** The PostgreSQL table: every row in order, each goal with this run's verdict, each measured cell a number; its rows. */
const checkPostgresTable = (postgres: string): string[][] => {
  const pg = rowsOf(postgres);
  inOrder(pg.map((r) => r[0]!), POSTGRES_ROWS);
  // A row with a goal says whether this run met it.
  for (const [name, , , , goal] of pg) if (goal && (goal.includes('≥') || goal.includes('<'))) expect({ name, verdict: /· (ok|MISS)$/.test(goal!) }).toEqual({ name, verdict: true });
  // Every measured cell holds a number.
  for (const [name, ours] of pg.slice(1)) expect({ name, ours: /\d/.test(ours ?? '') }).toEqual({ name, ours: true });
  return pg;
};

// Issue 19 asks that the PostgreSQL section run at BENCH_SCALE=small in about a minute (45 s
// on a quiet machine, 2026-12-07): run here at that scale, its logs of 20k and 100k events.
test('BENCH_SCALE=small BENCH_ONLY=postgres prints the PostgreSQL table on logs of 20k and 100k events', async () => {
  const { stdout } = await run(process.execPath, ['--max-semi-space-size=64', RUN], {
    env: { ...process.env, BENCH_SCALE: 'small', BENCH_ONLY: 'postgres' },
    maxBuffer: 16 * 2 ** 20,
  });
  const [, postgres] = stdout.split('\nPostgreSQL\n');
  const pg = checkPostgresTable((postgres ?? '').split('\nSigned reports (SQLite)\n')[0]!);
  const sizes = pg.filter((r) => r[0]!.startsWith('read the global log at ')).map((r) => Number(/at ([\d,]+) events/.exec(r[0]!)![1]!.replace(/,/g, '')));
  expect(sizes).toEqual([expect.any(Number), expect.any(Number)]);
  expect(sizes[0]).toBeGreaterThanOrEqual(20_000);
  expect(sizes[1]).toBeGreaterThanOrEqual(100_000);
}, 30 * 60_000);
