import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * `pnpm bench:province` at a tiny shape (2 cities, 2 years, one round of reports), as a process,
 * so the province-scale run cannot rot: every row comes out with a number. Nothing is timed.
 */

const run = promisify(execFile);
const PROVINCE = join(__dirname, '..', 'dist', 'province.js');

const ROWS = [
  'PostgreSQL ',
  '2 cities × 2 years = 4 plans',
  'append ',
  '  each tenth of the run',
  'event table with its indexes, per million events',
  'rebuild the ledger index at ',
  'database with the ledger index, per million events',
  'audit trail of one district figure',
  'audit trail of one city figure',
  'district view',
  'city view',
];

test('a tiny province run prints every row with a number', async () => {
  const { stdout } = await run(process.execPath, [PROVINCE], {
    env: { ...process.env, PROVINCE_EVENTS: '1000', PROVINCE_CITIES: '2', PROVINCE_YEARS: '2', PROVINCE_SAMPLES: '5' },
    maxBuffer: 16 * 2 ** 20,
  });
  const rows = stdout
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| measure'))
    .map((l) => l.slice(2, -2).split(' | ').map((c) => c.trimEnd()));
  expect(rows.map((r) => ROWS.findIndex((want) => r[0]!.startsWith(want)))).toEqual(ROWS.map((_, i) => i));
  // 2 cities × 2 years × 693 pairs, one report each, beside the plans' imports.
  expect(rows.find((r) => r[0]!.startsWith('append '))![0]).toMatch(/^append 2,772 reports/);
  for (const [name, ours] of rows.slice(2)) expect({ name, ours: /\d/.test(ours ?? '') }).toEqual({ name, ours: true });
}, 10 * 60_000);

test('a shape that is not a whole number is refused in one line, before any server starts', async () => {
  const failed = await run(process.execPath, [PROVINCE], { env: { ...process.env, PROVINCE_EVENTS: '1e6x' } }).catch((e: { code: number; stderr: string }) => e);
  expect(failed).toMatchObject({ code: 1, stderr: 'bench:province: PROVINCE_EVENTS must be a whole number above 0, not "1e6x"\n' });
}, 60_000);
