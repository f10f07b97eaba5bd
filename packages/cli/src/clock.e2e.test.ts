import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, json, openSqlite, SEED, tempDir } from './testing/run-cli';

const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--as-of', '2024-09-30', '--responsible-unit', '市妇联'];
const recordedTimes = (db: string): { mode: string | undefined; recordedAt: string }[] => {
  const file = openSqlite(db);
  try {
    return (file.prepare('SELECT metadata FROM events ORDER BY position').all() as { metadata: string }[]).map((r) => JSON.parse(r.metadata));
  } finally {
    file.close();
  }
};

describe('time that writers cannot choose: production and simulated ledgers', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  describe('a production ledger', () => {
    const db = join(tmp.dir, 'production.db');
    const at = ['--db', db];
    beforeAll(() => {
      expect(cli(['init', ...at]).stdout).toBe(`created a production ledger at ${db}\n`);
      expect(cli(['plan', 'import', SEED, ...at]).code).toBe(0);
    });

    it.each([
      ['report', [...REPORT, '--value', '1'], 'report'],
      ['plan import', ['plan', 'import', SEED], 'plan import'],
      ['correct', ['correct', '01J92WWJ80FBW41S5MCAYVJ451', '--value', '1', '--reason', 'x', '--responsible-unit', '市妇联'], 'correct'],
      ['retract', ['retract', '01J92WWJ80FBW41S5MCAYVJ451', '--reason', 'x', '--responsible-unit', '市妇联'], 'retract'],
      ['worker', ['worker'], 'worker'],
    ])('refuses --now and $MINSHENG_NOW on %s: one line, exit 2, nothing written', (_, args, what) => {
      const before = recordedTimes(db).length;
      expectRefusal(
        cli([...args, ...at, '--now', '2024-10-01T10:00:00+08:00']),
        2,
        new RegExp(`^minsheng: --now "2024-10-01T10:00:00\\+08:00" is refused on a production ledger: ${what} records the time from the system clock \\(`),
      );
      expectRefusal(cli([...args, ...at], { MINSHENG_NOW: '2024-10-01T10:00:00+08:00' }), 2, /^minsheng: \$MINSHENG_NOW "2024-10-01T10:00:00\+08:00" is refused on a production ledger/);
      expect(recordedTimes(db)).toHaveLength(before);
    });

    it('records by the system clock, and marks every event production', () => {
      const before = Date.now();
      expect(cli([...REPORT, '--value', '12', ...at]).code).toBe(0);
      const events = recordedTimes(db);
      expect(Date.parse(events[events.length - 1]!.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(events.every((m) => m.mode === 'production')).toBe(true);
    });

    it('init --now without --simulated is refused; so is making it simulated', () => {
      expectRefusal(cli(['init', ...at, '--now', '2024-01-02T09:00:00+08:00']), 2, /^minsheng: --now "2024-01-02T09:00:00\+08:00" goes with --simulated: a production ledger records the time from the system clock$/);
      const fresh = join(tmp.dir, 'fresh.db');
      expectRefusal(cli(['init', '--db', fresh, '--now', '2024-01-02T09:00:00+08:00']), 2, /goes with --simulated/);
      expectRefusal(cli(['init', '--simulated', ...at]), 2, /^minsheng: the ledger at .*production\.db is a production ledger \(\d+ events\); a ledger's mode is fixed when it is created: a simulated ledger is a new one/);
    });

    it('reads take --now as a replay', () => {
      const later = new Date(Date.now() + 86_400_000).toISOString();
      for (const args of [['status'], ['plan', 'show'], ['verify'], ['export', '--format', 'json'], ['audit', '--task', '3', '--metric', 't03-child-friendly-communities']])
        expect(cli([...args, ...at, '--now', later]).code).toBe(0);
    });

    it('deadlines --now at another time than the present is a dry run: it prints what it would record and writes nothing', () => {
      const before = recordedTimes(db).length;
      const r = cli(['deadlines', ...at, '--now', '2030-01-01T00:00:00+08:00']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\d+ missed deadlines would be recorded at 2030-01-01 00:00 \(\+08:00\):\n/);
      expect(r.stdout).toMatch(/\ndry run: a production ledger records deadlines by the system clock, so --now "2030-01-01T00:00:00\+08:00" only shows what a check then would record; nothing was written\n$/);
      expect(json(cli(['deadlines', ...at, '--json', '--now', '2030-01-01T00:00:00+08:00']))).toMatchObject({ dryRun: true, at: '2029-12-31T16:00:00.000Z' });
      expect(recordedTimes(db)).toHaveLength(before);
      // The present (within the tolerance) is no dry run.
      const now = cli(['deadlines', ...at, '--now', new Date().toISOString()]);
      expect(now.stdout).toMatch(/^recorded \d+ missed deadlines at /);
      expect(recordedTimes(db).length).toBeGreaterThan(before);
    });
  });

  describe('a simulated ledger', () => {
    const db = join(tmp.dir, 'simulated.db');
    const at = ['--db', db];
    beforeAll(() => {
      expect(cli(['init', '--simulated', ...at, '--now', '2024-01-02T09:00:00+08:00']).stdout).toBe(
        `created a simulated ledger at ${db}; its clock is set with --now, and moves forward only\n`,
      );
      expect(cli(['plan', 'import', SEED, ...at, '--now', '2024-01-02T09:00:00+08:00']).code).toBe(0);
    });

    it('records --now as the time, marks every event simulated, and refuses a time before the latest event', () => {
      expect(cli([...REPORT, '--value', '12', ...at, '--now', '2024-10-05T10:00:00+08:00']).code).toBe(0);
      const before = recordedTimes(db);
      expect(before[before.length - 1]!.recordedAt).toBe('2024-10-05T02:00:00.000Z');
      expect(before.every((m) => m.mode === 'simulated')).toBe(true);
      for (const args of [[...REPORT, '--value', '13'], ['deadlines']])
        expectRefusal(
          cli([...args, ...at, '--now', '2024-10-01T10:00:00+08:00']),
          2,
          new RegExp(
            `^minsheng: --now "2024-10-01T10:00:00\\+08:00" is before the ledger's latest event \\(position ${before.length}, recorded at 2024-10-05T02:00:00\\.000Z\\); a simulated ledger's clock moves forward only$`,
          ),
        );
      expect(recordedTimes(db)).toHaveLength(before.length);
      expect(cli(['deadlines', ...at, '--now', '2024-11-01T00:00:00+08:00']).stdout).toMatch(/^recorded \d+ missed deadlines at 2024-11-01 00:00/);
    });

    it('cannot become production', () => {
      expectRefusal(cli(['init', ...at]), 2, /is a simulated ledger \(\d+ events\); a ledger's mode is fixed when it is created$/);
    });
  });

  it('the demo makes a simulated ledger', () => {
    const db = join(tmp.dir, 'demo.db');
    expect(cli(['demo', '--db', db]).code).toBe(0);
    expect(json(cli(['init', '--simulated', '--db', db, '--json']))).toMatchObject({ created: false, mode: 'simulated' });
  });
});
