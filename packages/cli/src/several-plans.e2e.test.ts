import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, json, ROOT, SEED, tempDir } from './testing/run-cli';

const SAMPLE_2025 = join(ROOT, 'seeds/samples/sample-2025.json');

/** Two plans in one ledger (Harbin 2024 and the sample 2025 plan that carries two of its tasks over), through every command. */
describe('several plans in one ledger', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = (now: string) => ['--db', db, '--now', now];
  const late = at('2025-04-01T10:00:00+08:00');
  let report2025 = '';
  afterAll(() => tmp.remove());

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
    const stations = ['--task', '1', '--metric', 't01-job-stations', '--place', '道里区', '--responsible-unit', '市人社局'];
    expect(cli(['report', ...stations, '--as-of', '2024-06-30', '--value', '40', ...at('2024-07-01T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['plan', 'import', SAMPLE_2025, ...at('2025-01-05T10:00:00+08:00')]).code).toBe(0);
    // With two plans, a report names its plan.
    const r = cli(['report', '--plan', 'sample-2025', ...stations, '--as-of', '2025-03-31', '--value', '30', '--json', ...at('2025-04-01T09:00:00+08:00')]);
    report2025 = json<{ eventId: string }>(r).eventId;
  });

  it.each([
    ['status', []],
    ['export', []],
    ['plan', ['show']],
    ['audit', ['--task', '1', '--metric', 't01-job-stations']],
    ['deadlines', []],
    ['report', ['--task', '1', '--metric', 't01-job-stations', '--place', '道里区', '--responsible-unit', '市人社局', '--as-of', '2025-03-31', '--value', '31']],
  ])('%s without --plan is refused in one line listing the plans, and writes nothing', (command, args) => {
    const r = cli([command, ...args, ...late]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('minsheng: the ledger holds several plans (harbin-2024, sample-2025): name one with --plan <id>\n');
  });

  it('an unknown --plan is refused, listing the plans', () => {
    const r = cli(['status', '--plan', 'harbin-2023', ...late]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plan harbin-2023 is not in the ledger (plans: harbin-2024, sample-2025)');
  });

  it('plan list names both plans with their ids, tasks and metrics', () => {
    const r = cli(['plan', 'list', ...late]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/harbin-2024 .*哈政办发〔2024〕29号 .*2024-01-01 to 2024-12-31 +20 +\d+/);
    expect(r.stdout).toMatch(/sample-2025 .*SAMPLE〔2025〕1号 .*2025-01-01 to 2025-12-31 +2 +3/);
    expect(json(cli(['plan', 'list', '--json', ...late])).map((p: { planId: string }) => p.planId)).toEqual(['harbin-2024', 'sample-2025']);
  });

  it('every command works on the plan --plan names', () => {
    const status = json(cli(['status', '--plan', 'sample-2025', '--json', ...late]));
    expect(status.planId).toBe('sample-2025');
    expect(status.rows.find((r: { metric: string }) => r.metric === 't01-job-stations').value).toBe('30');
    const old = json(cli(['status', '--plan', 'harbin-2024', '--as-of', '2024-12-31', '--json', ...late]));
    expect(old.rows.find((r: { metric: string }) => r.metric === 't01-job-stations').value).toBe('40');
    expect(cli(['plan', 'show', '--plan', 'sample-2025', ...late]).stdout).toContain('SAMPLE〔2025〕1号');
    const exported = json(cli(['export', '--plan', 'harbin-2024', '--format', 'json', ...late]));
    expect(exported.planId).toBe('harbin-2024');
    const audit = cli(['audit', '--plan', 'sample-2025', '--task', '1', '--metric', 't01-job-stations', ...late]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/道里区 +30 个 +30 +2025-03-31/);
    expect(cli(['deadlines', '--plan', 'sample-2025', ...late]).stdout).toContain('no deadline newly missed');
    // A correction names the plan its report belongs to, or none.
    const wrong = cli(['correct', report2025, '--plan', 'harbin-2024', '--value', '32', '--reason', '录入错误', '--responsible-unit', '市人社局', ...late]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`event ${report2025} is a report of plan sample-2025, not of plan harbin-2024`);
    expect(cli(['correct', report2025, '--plan', 'sample-2025', '--value', '32', '--reason', '录入错误', '--responsible-unit', '市人社局', ...late]).code).toBe(0);
  });

  it('plan compare sets the metrics the two plans share side by side, with the change', () => {
    const r = cli(['plan', 'compare', 'harbin-2024', 'sample-2025', ...late]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('harbin-2024 (as of 2025-04-01) → sample-2025 (as of 2025-04-01): 2 metrics in both');
    expect(r.stdout).toMatch(/t01-job-stations .*73个 +40 个 +80个 +32 个 +-8/);
    expect(r.stdout).toContain('only in sample-2025: s25-gas-safety-checks');
    const c = json(cli(['plan', 'compare', 'harbin-2024', 'sample-2025', '--json', ...late]));
    expect(c.metrics.find((m: { metric: string }) => m.metric === 't13-gas-pipe-renewal')).toMatchObject({ fromTask: 13, toTask: 2, change: null });
    expect(cli(['plan', 'compare', 'harbin-2024', 'harbin-2023', ...late]).code).toBe(2);
  });

  it('a revision records its document and reason on the revised target, shown by audit; the same import again writes nothing', () => {
    const plan = JSON.parse(readFileSync(SAMPLE_2025, 'utf8'));
    plan.tasks[0].metrics[0].written = '90个';
    plan.tasks[0].metrics[0].target.value = '90';
    const revised = join(tmp.dir, 'sample-2025-revised.json');
    writeFileSync(revised, JSON.stringify(plan));
    const now = at('2025-05-01T10:00:00+08:00');
    const doc = ['--document', 'SAMPLE〔2025〕7号', '--reason', '年中调整目标'];
    const r = cli(['plan', 'import', revised, ...doc, ...now]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 event written');
    expect(cli(['plan', 'import', revised, ...doc, ...now]).stdout).toContain('nothing was added');
    const audit = cli(['audit', '--plan', 'sample-2025', '--task', '1', '--metric', 't01-job-stations', ...now]);
    expect(audit.stdout).toContain('Target revisions: 1');
    expect(audit.stdout).toMatch(/80个 +SAMPLE〔2025〕1号/);
    expect(audit.stdout).toMatch(/90个 +SAMPLE〔2025〕7号 +年中调整目标/);
    const trail = json(cli(['audit', '--plan', 'sample-2025', '--task', '1', '--metric', 't01-job-stations', '--json', ...now]));
    expect(trail.revisions.map((x: { document: string; reason: string | null }) => [x.document, x.reason])).toEqual([
      ['SAMPLE〔2025〕1号', null],
      ['SAMPLE〔2025〕7号', '年中调整目标'],
    ]);
    const bad = cli(['plan', 'import', revised, '--reason', 'a\u0007b', ...now]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--reason:');
  });
});
