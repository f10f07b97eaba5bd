import { statusPlan } from '@minsheng/ledger/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, json, tempDir } from './testing/run-cli';

/* Issue 14's eight problems through the CLI, on the sample plan the library test uses. */

describe('minsheng status: statuses a supervision officer signs (issue 14)', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const run = (args: string[], now: string) => cli([...args, '--db', db, '--now', now]);
  const ok = (args: string[], now: string) => {
    const r = run(args, now);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const report = (task: number, metric: string, place: string, asOf: string, by: string, figure: string[], now: string) =>
    ok(['report', '--task', String(task), '--metric', metric, '--place', place, '--as-of', asOf, '--responsible-unit', by, ...figure], now);
  const row = (rows: any[], metric: string, place?: string) => rows.find((r) => r.metric === metric && (place === undefined || r.place === place));
  const status = (args: string[], now = '2025-02-01T10:00:00+08:00') => json(ok(['status', '--json', ...args], now)).rows;

  beforeAll(() => {
    const file = join(tmp.dir, 'sample.json');
    writeFileSync(file, JSON.stringify(statusPlan(), null, 2));
    ok(['init', '--simulated'], '2024-03-02T10:00:00+08:00');
    ok(['plan', 'import', file], '2024-03-02T10:00:00+08:00');
    report(4, 'pipes', 'east', '2024-06-30', 'housing', ['--value', '200'], '2024-07-01T10:00:00+08:00');
    for (const [place, n, d] of [['east', '1500', '3000'], ['west', '1500', '3000'], ['north', '1277', '4000']])
      report(1, 'meals', place!, '2024-09-30', 'civil', ['--numerator', n!, '--denominator', d!], '2024-10-01T10:00:00+08:00');
    ok(['deadlines'], '2024-11-01T08:00:00+08:00');
    report(4, 'pipes', 'east', '2024-11-15', 'housing', ['--value', '380'], '2024-11-16T10:00:00+08:00');
    report(4, 'pipes', 'west', '2024-11-15', 'housing', ['--value', '130'], '2024-11-16T10:00:00+08:00');
    report(4, 'funding', 'city', '2024-11-15', 'finance', ['--value', 'yes'], '2024-11-16T10:00:00+08:00');
    report(3, 'kindergarten-places', 'east', '2024-12-20', 'edu', ['--value', '16000'], '2024-12-21T10:00:00+08:00');
    report(3, 'kindergarten-places', 'west', '2024-12-20', 'edu', ['--value', '10300'], '2024-12-21T10:00:00+08:00');
    report(2, 'pm25', 'city', '2024-12-20', 'eco', ['--value', '33.9'], '2024-12-21T10:00:00+08:00');
    report(2, 'farmland', 'city', '2024-12-20', 'agri', ['--value', 'yes'], '2024-12-21T10:00:00+08:00');
    ok(['deadlines'], '2025-01-02T08:00:00+08:00');
    report(2, 'pm25', 'city', '2024-12-31', 'eco', ['--value', '34.6'], '2025-01-10T10:00:00+08:00');
  });
  afterAll(() => tmp.remove());

  it('#1 a share is behind from its baseline (27.7% of the way against 74.9%)', () => {
    expect(row(status(['--as-of', '2024-09-30']), 'meals')).toMatchObject({ percent: '85.5', progress: '27.7', scheduled: '74.9', status: 'behind' });
    expect(run(['status', '--as-of', '2024-09-30'], '2025-02-01T10:00:00+08:00').stdout).toMatch(/城市社区老年助餐服务覆盖面\s+≥ 50%\s+42\.77% \(4277\/10000\)\s+85\.5%\s+74\.9%\s+behind\s+from baseline 40: 27\.7% of the way/);
  });

  it('#2 an annual statistic is provisional on a year-to-date figure', () => {
    const text = run(['status', '--as-of', '2024-12-20', '--known-at', '2024-12-22T10:00:00+08:00'], '2025-02-01T10:00:00+08:00').stdout;
    expect(text).toMatch(/全市PM2\.5浓度\s+≤ 35 微克\/立方米\s+33\.9 微克\/立方米\s+100%\s+0\.0%\s+provisional\s+annual figure due after period end/);
    expect(row(status(['--as-of', '2024-12-31']), 'pm25')).toMatchObject({ status: 'complete', deadlinesMissed: [] });
  });

  it('#3 over-delivery of 左右 is exceeded', () => {
    expect(run(['status', '--as-of', '2024-12-31'], '2025-02-01T10:00:00+08:00').stdout).toMatch(/优质幼儿园学位\s+25000个左右\s+26300 个\s+105\.2%\s+100\.0%\s+exceeded/);
  });

  it('#4 a season schedule: on track on 30 June with 42.5% scheduled', () => {
    expect(row(status(['--as-of', '2024-06-30', '--known-at', '2024-07-02T10:00:00+08:00']), 'pipes')).toMatchObject({ scheduled: '42.5', status: 'on track' });
  });

  it('#5 and #6: a 30 June view names no November note; at year end, complete (late) with both dates', () => {
    expect(row(status(['--as-of', '2024-06-30']), 'pipes')).toMatchObject({ deadlinesMissed: [], completionRecorded: false });
    expect(run(['status', '--as-of', '2024-12-31'], '2025-02-01T10:00:00+08:00').stdout).toMatch(
      /改造老化燃气管道\s+≥ 500 公里\s+510 公里\s+102%\s+100\.0%\s+complete \(late\)\s+met 2024-11-15, due 2024-10-31; completed 2024-11-16; missed outdoor-completion/,
    );
  });

  it('#7 only the funding unit signs off funding', () => {
    const r = run(['report', '--task', '4', '--metric', 'funding', '--place', 'city', '--as-of', '2025-01-20', '--responsible-unit', 'housing', '--value', 'yes'], '2025-01-21T10:00:00+08:00');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/市住建局 is not a responsible unit/);
    expect(status(['--group-by', 'unit', '--responsible-unit', '市财政局']).map((x: any) => x.metric)).toEqual(['funding']);
  });

  it('#8 district rows: own allocation, share of city total, not expected', () => {
    const text = run(['status', '--group-by', 'district', '--as-of', '2024-12-31'], '2025-02-01T10:00:00+08:00').stdout;
    expect(text).toMatch(/东区\s+3\s+优质幼儿园学位\s+≈ 15000 个 \(±5%\)\s+16000 个\s+106\.7%\s+100\.0%\s+exceeded/);
    expect(text).toMatch(/西区\s+4\s+改造老化燃气管道\s+≥ 500 公里\s+130 公里\s+-\s+-\s+reported\s+25\.5% of city total/);
    expect(text).toMatch(/北县\s+4\s+改造老化燃气管道\s+≥ 500 公里\s+-\s+-\s+-\s+not expected/);
  });
});
