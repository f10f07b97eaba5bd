import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, openSqlite, SEED, tempDir } from './testing/run-cli';

const events = (db: string): number => {
  const file = openSqlite(db);
  try {
    return (file.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    file.close();
  }
};

describe('minsheng plan import', () => {
  it('is one atomic append: a write refused part way leaves nothing, and the next import writes the whole plan', () => {
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'ledger.db');
      expect(cli(['init', '--db', db]).code).toBe(0);
      const created = events(db); // LedgerCreated
      // The file refuses the sixth event, as a full disk would refuse a write part way through.
      const file = openSqlite(db);
      file.exec(`CREATE TRIGGER disk_full_at_six BEFORE INSERT ON events WHEN NEW.position = 6
        BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
      file.close();

      const refused = cli(['plan', 'import', SEED, '--db', db]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('database or disk is full');
      expect(events(db)).toBe(created);

      const unblocked = openSqlite(db);
      unblocked.exec('DROP TRIGGER disk_full_at_six');
      unblocked.close();
      const imported = cli(['plan', 'import', SEED, '--db', db]);
      expect(imported.code).toBe(0);
      const written = Number(/; (\d+) events written/.exec(imported.stdout)?.[1]);
      expect(written).toBeGreaterThan(5);
      expect(events(db)).toBe(created + written);
      expect(cli(['verify', '--db', db]).code).toBe(0);

      const again = cli(['plan', 'import', SEED, '--db', db]);
      expect(again.stdout).toContain('nothing was added');
      expect(events(db)).toBe(created + written);
    } finally {
      tmp.remove();
    }
  });

  it('refuses a revision that changes a reported metric\'s unit base, in one line naming it, and writes nothing', () => {
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'ledger.db');
      const at = (now: string) => ['--db', db, '--now', now];
      expect(cli(['init', '--simulated', ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
      expect(cli(['plan', 'import', SEED, ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
      const homes = ['--task', '9', '--metric', 't09-elderly-home-adaptations', '--as-of', '2024-09-30', '--responsible-unit', '市民政局'];
      expect(cli(['report', ...homes, '--place', '道里区', '--value', '100', ...at('2024-10-01T10:00:00+08:00')]).code).toBe(0);
      expect(cli(['report', ...homes, '--place', '南岗区', '--value', '60', ...at('2024-10-01T10:05:00+08:00')]).code).toBe(0);
      const revised = join(tmp.dir, 'revised.json');
      writeFileSync(revised, readFileSync(SEED, 'utf8').replace(/("id": "t09-elderly-home-adaptations"[^}]*"unit": )"户"/, '$1"个"'));
      const before = events(db);

      const r = cli(['plan', 'import', revised, ...at('2024-10-02T10:00:00+08:00')]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'minsheng: the plan changes targets that reports were recorded under: t09-elderly-home-adaptations changes its unit base from 户 to 个 ' +
          '(2 reports recorded under 户); give the new target a new metric id, or retract those reports first; nothing was imported\n',
      );
      expect(events(db)).toBe(before);
    } finally {
      tmp.remove();
    }
  });
});
