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
});
