import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, openSqlite, tempDir } from './testing/run-cli';

describe('a file that is not a Minsheng ledger is refused by every command, and left byte for byte as it was', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  const otherProgram = (): string => {
    const file = join(tmp.dir, `other-${Math.random().toString(36).slice(2)}.db`);
    const db = openSqlite(file);
    db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('张三')`);
    db.close();
    return file;
  };
  const cases: [string, () => string, RegExp][] = [
    ['an unrelated SQLite database', otherProgram, /is a SQLite database of another program \(tables: customers\), not a Minsheng ledger/],
    ['a 0-byte file', () => {
      const f = join(tmp.dir, 'empty.db');
      writeFileSync(f, '');
      return f;
    }, /is an empty file \(0 bytes\), not a Minsheng ledger/],
    ['a text file', () => {
      const f = join(tmp.dir, 'notes.txt');
      writeFileSync(f, '这不是账本\n');
      return f;
    }, /is not a SQLite database, not a Minsheng ledger/],
  ];

  it.each(cases)('%s: init, migrate, status, report, verify refuse it with one line, exit 2, touching nothing', (_, make, why) => {
    const file = make();
    const before = readFileSync(file);
    const files = () => readdirSync(tmp.dir).sort();
    const around = files();
    for (const args of [
      ['init'],
      ['init', '--simulated'],
      ['migrate'],
      ['status'],
      ['verify'],
      ['plan', 'show'],
      ['report', '--task', '1', '--metric', 't01-job-stations', '--place', 'daoli', '--value', '1', '--as-of', '2024-09-30', '--responsible-unit', 'hrss'],
    ])
      expectRefusal(cli([...args, '--db', file]), 2, new RegExp(`^minsheng: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${why.source}; nothing was changed`));
    expect(readFileSync(file).equals(before)).toBe(true);
    // No -wal or -shm beside it: it was never switched to WAL.
    expect(files()).toEqual(around);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
