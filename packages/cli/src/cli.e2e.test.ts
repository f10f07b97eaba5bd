import { describeCliFlows } from './testing/flows';
import { sqliteLedger } from './testing/engines';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, MAIN, ROOT, SEED, tempDir } from './testing/run-cli';

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
    for (const c of ['init', 'migrate', 'plan', 'report', 'correct', 'retract', 'status', 'audit', 'deadlines', 'rebuild', 'worker', 'verify', 'export', 'demo'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
  });
});

describe('what a command on SQLite loads', () => {
  it('leaves the PostgreSQL client (pg) unloaded', () => {
    const tmp = tempDir();
    try {
      // Prints, as the process exits, every module file it loaded.
      const preload = join(tmp.dir, 'loaded.js');
      writeFileSync(preload, "process.on('exit', () => process.stderr.write(Object.keys(require.cache).join('\\n')));\n");
      const db = join(tmp.dir, 'ledger.db');
      expect(cli(['init', '--db', db]).code).toBe(0);
      const r = spawnSync(process.execPath, ['-r', preload, MAIN, 'plan', 'import', SEED, '--db', db], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const loaded = r.stderr.split('\n');
      expect(loaded.some((f) => /[\\/]better-sqlite3[\\/]/.test(f))).toBe(true);
      expect(loaded.filter((f) => /[\\/]node_modules[\\/]pg[\\/]/.test(f))).toEqual([]);
    } finally {
      tmp.remove();
    }
  });
});
