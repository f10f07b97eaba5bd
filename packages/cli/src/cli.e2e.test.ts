import { describeCliFlows } from './testing/flows';
import { sqliteLedger } from './testing/engines';
import { cli } from './testing/run-cli';

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
