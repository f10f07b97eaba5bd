import { describeCliFlows } from './testing/flows';
import { sqliteLedger } from './testing/engines';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SEED, tempDir } from './testing/run-cli';

// The main flows run unchanged on PostgreSQL in postgres.e2e.test.ts.
describeCliFlows(sqliteLedger());

describe('minsheng --help', () => {
  const commands = [
    ['init'], ['plan'], ['plan', 'import'], ['plan', 'show'], ['report'], ['correct'], ['retract'], ['status'],
    ['audit'], ['deadlines'], ['rebuild'], ['verify'], ['export'], ['demo'], ['migrate'], ['worker'],
  ];
  it.each(commands)('%s %s --help', (...command) => {
    const r = cli([...command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: minsheng ${command.join(' ')}`);
    if (command.join(' ') !== 'plan') expect(r.stdout).toContain('--db <file>');
    if (command.join(' ') !== 'plan') expect(r.stdout).toContain('--database-url <url>');
  });

  it('minsheng --help lists every command', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['init', 'migrate', 'plan', 'report', 'correct', 'retract', 'status', 'audit', 'deadlines', 'rebuild', 'worker', 'verify', 'export', 'demo', 'roles'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
  });
});

describe('what a command on SQLite loads', () => {
  it('leaves the PostgreSQL client (pg and its parts) unloaded', () => {
    const tmp = tempDir();
    try {
      // Writes, as the process exits, every module file it loaded.
      const preload = join(tmp.dir, 'loaded.js');
      const list = join(tmp.dir, 'loaded.txt');
      writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join('\\n')));\n`);
      const db = join(tmp.dir, 'ledger.db');
      expect(cli(['init', '--db', db]).code).toBe(0);
      const r = cli(['plan', 'import', SEED, '--db', db], { NODE_OPTIONS: `--require ${preload}` });
      expect(r.code).toBe(0);
      const loaded = readFileSync(list, 'utf8').split('\n');
      expect(loaded.some((f) => /[\\/]better-sqlite3[\\/]/.test(f))).toBe(true);
      expect(loaded.filter((f) => /[\\/]node_modules[\\/]pg(-[a-z]+)?[\\/]/.test(f))).toEqual([]);
    } finally {
      tmp.remove();
    }
  });
});
