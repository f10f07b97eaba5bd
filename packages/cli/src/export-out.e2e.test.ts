import { linkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, SEED, tempDir } from './testing/run-cli';

describe('export --out never writes over the ledger, nor over any file without --force', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];
  const sizeOf = (f: string) => statSync(f).size;

  beforeAll(() => {
    expect(cli(['init', ...at]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each([
    ['the ledger', () => db],
    ['the ledger by another spelling', () => join(tmp.dir, '.', 'x', '..', 'ledger.db')],
    ['its -wal', () => `${db}-wal`],
    ['its -shm', () => `${db}-shm`],
    ['a hard link to it', () => {
      const link = join(tmp.dir, 'link.db');
      linkSync(db, link);
      return link;
    }],
  ])('refuses %s, even with --force: exit 2, one line, the ledger unchanged', (_, target) => {
    const out = target();
    const before = readFileSync(db);
    for (const force of [[], ['--force']])
      expectRefusal(cli(['export', '--out', out, ...force, ...at]), 2, /^minsheng: --out ".*" is the ledger \(or its journal\) at .*ledger\.db; export never writes over it, not even with --force$/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(cli(['verify', ...at]).code).toBe(0);
  });

  it('refuses an existing file without --force and leaves it as it was; replaces it with --force', () => {
    const out = join(tmp.dir, 'view.csv');
    writeFileSync(out, 'keep me');
    expectRefusal(cli(['export', '--out', out, ...at]), 2, /^minsheng: --out ".*view\.csv" exists already; nothing was written \(give --force to replace it\)$/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = cli(['export', '--out', out, '--force', ...at]);
    expect(forced.code).toBe(0);
    expect(sizeOf(out)).toBeGreaterThan(100);
  });

  it('writes a new file without --force', () => {
    const out = join(tmp.dir, 'new.csv');
    const r = cli(['export', '--out', out, ...at]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ rows \(task view, as of \d{4}-\d\d-\d\d\) to .*new\.csv\n$/);
  });
});
