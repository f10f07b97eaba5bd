import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, json, openSqlite, SEED, tempDir } from './testing/run-cli';

/*
 * Issue 17: a flag's word keeps one meaning across commands. --group-by groups a view,
 * --responsible-unit names a responsible unit, --measure a unit of measure. The old flags (--by,
 * --unit) still work, each saying once on stderr which flag replaces it.
 */

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
const GAS = ['--task', '13', '--metric', 't13-gas-pipe-renewal', '--as-of', '2024-09-30'];

const deprecated = (old: string, name: string) => `minsheng: ${old} is deprecated: use ${name}, which means the same`;

describe('renamed flags: --group-by, --responsible-unit, --measure; --by and --unit deprecated', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const run = (args: readonly string[], env: Record<string, string> = {}) => cli([...args, '--db', db, '--now', OCT], env);
  const events = (): number => {
    const f = openSqlite(db);
    try {
      return (f.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      f.close();
    }
  };

  beforeAll(() => {
    expect(cli(['init', '--simulated', '--db', db, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, '--db', db, '--now', JAN]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('report and correct take --responsible-unit and --measure, and say nothing on stderr', () => {
    const r = run(['report', ...GAS, '--place', '道里区', '--value', '12', '--measure', '公里', '--responsible-unit', 'housing', '--json']);
    expect(r.stderr).toBe('');
    const report = json(r);
    const fixed = run(['correct', report.eventId, '--value', '11', '--measure', '公里', '--reason', '复核', '--responsible-unit', '市住建局']);
    expect([fixed.code, fixed.stderr]).toEqual([0, '']);
  });

  it('the old --by and --unit still record the same figure, one deprecation line each', () => {
    const before = events();
    const r = run(['report', ...GAS, '--place', '南岗区', '--value', '7', '--unit', '公里', '--by', 'housing', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual([deprecated('--by', '--responsible-unit'), deprecated('--unit', '--measure')]);
    expect(events()).toBe(before + 1);
    const trail = json(run(['audit', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', '南岗区', '--json']));
    expect(trail.entries.map((e: { unit: string; figure: string }) => [e.unit, e.figure])).toEqual([['市住建局', '7 公里']]);
  });

  it('the old --unit reaches the figure as its unit of measure: a wrong one is refused naming --measure', () => {
    const before = events();
    const r = run(['report', ...GAS, '--place', '道外区', '--value', '7', '--unit', '个', '--responsible-unit', 'housing']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([deprecated('--unit', '--measure'), expect.stringMatching(/^minsheng: --measure: unit 个 cannot be converted/), '']);
    expect(events()).toBe(before);
  });

  it('status --by/--unit give what --group-by/--responsible-unit give', () => {
    const newer = run(['status', '--group-by', 'unit', '--responsible-unit', '市住建局', '--json']);
    expect(newer.stderr).toBe('');
    const older = run(['status', '--by', 'unit', '--unit', '市住建局', '--json']);
    expect(older.stdout).toBe(newer.stdout);
    expect(older.stderr.trimEnd().split('\n').sort()).toEqual([deprecated('--by', '--group-by'), deprecated('--unit', '--responsible-unit')]);
    expect(json(newer).rows.length).toBeGreaterThan(0);
    expect(run(['status', '--by', 'district', '--json']).stdout).toBe(run(['status', '--group-by', 'district', '--json']).stdout);
  });

  it.each([
    [['report', ...GAS, '--place', '道外区', '--value', '3', '--by', 'housing', '--responsible-unit', 'ndrc'], /^minsheng: --responsible-unit "ndrc" and --by "housing" \(its deprecated name\) differ; give --responsible-unit alone \(nothing was written\)$/],
    [['report', ...GAS, '--place', '道外区', '--value', '3', '--responsible-unit', 'housing', '--unit', '米', '--measure', '公里'], /^minsheng: --measure "公里" and --unit "米" \(its deprecated name\) differ/],
    [['status', '--by', 'task', '--group-by', 'unit'], /^minsheng: --group-by "unit" and --by "task" \(its deprecated name\) differ/],
    [['status', '--unit', '市住建局', '--responsible-unit', '市发改委'], /^minsheng: --responsible-unit "市发改委" and --unit "市住建局" \(its deprecated name\) differ/],
  ])('an old and a new flag that differ are refused in one line, nothing written: %j', (args, line) => {
    const before = events();
    expectRefusal(run(args), 2, line);
    expect(events()).toBe(before);
  });

  it('the same value under both names is taken, with the deprecation line', () => {
    const r = run(['report', ...GAS, '--place', '道外区', '--value', '3', '--by', 'housing', '--responsible-unit', 'housing']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${deprecated('--by', '--responsible-unit')}\n`);
  });

  it('a report naming no responsible unit under either name is refused as a missing option', () => {
    const before = events();
    expectRefusal(run(['report', ...GAS, '--place', '道外区', '--value', '3']), 2, /^minsheng: required option '--responsible-unit <unit>' not specified$/);
    expect(events()).toBe(before);
  });

  it('the deprecation line is in the reader\'s language', () => {
    const r = run(['status', '--by', 'district', '--json'], { MINSHENG_LANG: 'zh-CN' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('minsheng: --by 已弃用：请改用 --group-by，含义相同\n');
  });

  it('--help lists the new flags only', () => {
    for (const command of ['report', 'correct', 'retract', 'status', 'export']) {
      const help = cli([command, '--help']).stdout;
      expect(help).toMatch(command === 'status' || command === 'export' ? /--group-by <view>/ : /--responsible-unit <unit>/);
      expect(help).not.toMatch(/--by\b|--unit\b/);
    }
    expect(cli(['report', '--help']).stdout).toMatch(/--measure <u>/);
    expect(cli(['keys', 'register', '--help']).stdout).toMatch(/--responsible-unit <unit>/);
  });

  it('keys take --responsible-unit; the old --unit still works', () => {
    const out = join(tmp.dir, 'fed.key');
    const r = cli(['keys', 'new', 'fed-2024', '--out', out, '--unit', '市妇联']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${deprecated('--unit', '--responsible-unit')}\n`);
    expect(r.stdout).toContain(`minsheng keys register --responsible-unit 市妇联 --key ${out}.pub`);
    const again = cli(['keys', 'new', 'fed-2025', '--out', join(tmp.dir, 'fed2.key'), '--responsible-unit', '市妇联']);
    expect([again.code, again.stderr]).toEqual([0, '']);
  });
});
