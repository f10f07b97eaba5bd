import { join } from 'node:path';
import { cli, json, openSqlite, SEED, tempDir } from './testing/run-cli';

describe('a command whose event was written but whose projection failed', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('prints the event id and position written, says to rebuild, exits 4; after a rebuild the report counts once', () => {
    const db = join(tmp.dir, 'ledger.db');
    const at = ['--db', db];
    expect(cli(['init', '--simulated', ...at, '--now', '2024-01-02T09:00:00+08:00']).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', '2024-01-02T09:00:00+08:00']).code).toBe(0);
    // The read model's figures table refuses inserts, as a full disk would refuse the update.
    const file = openSqlite(db);
    file.exec(`CREATE TRIGGER disk_full BEFORE INSERT ON rm_figures BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    file.close();

    const r = cli(['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30', '--responsible-unit', '市妇联', ...at, '--now', '2024-10-01T10:00:00+08:00']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^minsheng: recorded event ([0-9A-Z]{26}) at position 92, but the read model was not updated: .*database or disk is full$/);
    expect(lines.slice(1)).toEqual([
      '  the event is in the ledger: do not record it again',
      '  next: run `minsheng rebuild` (or let `minsheng worker` catch up), then check with `minsheng status`',
    ]);
    const eventId = /recorded event ([0-9A-Z]{26})/.exec(lines[0]!)![1];

    const fixed = openSqlite(db);
    fixed.exec('DROP TRIGGER disk_full');
    fixed.close();
    expect(cli(['rebuild', ...at]).code).toBe(0);
    const trail = json(cli(['audit', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--json', ...at, '--now', '2024-10-02T10:00:00+08:00']));
    expect(trail.entries.map((e: { eventId: string }) => e.eventId)).toEqual([eventId]);
  });
});
