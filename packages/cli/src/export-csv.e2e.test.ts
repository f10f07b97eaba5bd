import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES } from './messages';
import { expectRefusal } from './testing/flows';
import { parseCsv } from './testing/csv';
import { cli, SEED, TASK3_DUTIES, tempDir } from './testing/run-cli';

/*
 * export --format csv in the CLI's language (issue 18): in Chinese, the board's words for the
 * header, status words, 是/否, 牵头/配合; with --lang en, the ledger's field names and codes,
 * word for word as scripts read them. known_at is in the plan's time zone in both.
 */

const NOW = '2024-10-31T18:00:00+08:00';
/** No MINSHENG_LANG: the plan's locale (zh-CN) decides. */
const PLAN_LANG = { MINSHENG_LANG: '' };

const ENGLISH_HEADER = [
  'task', 'task_title', 'metric', 'metric_name', 'kind', 'place', 'place_name', 'unit', 'target', 'value', 'numerator', 'denominator',
  'percent', 'scheduled_percent', 'met', 'places_reported', 'places_expected', 'status', 'responsible_units', 'reported_as_of',
  'completion_recorded', 'deadlines_missed', 'as_of', 'known_at',
];
const CHINESE_HEADER = [
  '任务序号', '任务', '指标编号', '指标', '类型', '区县编号', '区县', '计量单位', '目标', '完成值', '分子', '分母',
  '完成率', '序时进度', '是否达标', '已上报区县数', '应上报区县数', '状态', '牵头/责任单位', '数据截至',
  '是否办结', '逾期未完成', '统计截至', '账本记录截至',
];
const ENGLISH_STATUS = new Set(Object.keys(CATALOGUES.en).filter((k) => k.startsWith('status.')).map((k) => k.slice('status.'.length)));
const CHINESE_STATUS = new Set(['已完成', '序时推进', '滞后', '未完成', '未启动', '已上报', '逾期完成', '超额完成', '暂定', '缺基数', '暂无要求']);

describe('export --format csv in the language of the plan, or --lang en', () => {
  const tmp = tempDir();
  const at = ['--db', join(tmp.dir, 'ledger.db')];
  const csv = (args: readonly string[], env: Record<string, string> = PLAN_LANG): string[][] => {
    const r = cli(['export', '--format', 'csv', ...args, ...at, '--now', NOW], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    return parseCsv(r.stdout);
  };
  const column = (rows: string[][], name: string): string[] => rows.slice(1).map((r) => r[rows[0]!.indexOf(name)]!);

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', '2024-01-02T09:00:00+08:00']).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', '2024-01-02T09:00:00+08:00']).code).toBe(0);
    const report = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30', '--responsible-unit', '市妇联'];
    expect(cli([...report, ...at, '--now', '2024-10-01T10:00:00+08:00']).code).toBe(0);
    // A duty reported done: a figure that meets its target (met: true).
    expect(cli([...TASK3_DUTIES[0]!, ...at, '--now', '2024-10-01T11:00:00+08:00']).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('--lang en: the English header and the ledger\'s codes, known_at at the plan\'s offset', () => {
    const rows = csv(['--lang', 'en']);
    expect(rows[0]).toEqual(ENGLISH_HEADER);
    expect(rows.length).toBeGreaterThan(20);
    expect(new Set(column(rows, 'known_at'))).toEqual(new Set(['2024-10-31T18:00:00+08:00']));
    expect(new Set(column(rows, 'as_of'))).toEqual(new Set(['2024-10-31']));
    for (const s of column(rows, 'status')) expect(ENGLISH_STATUS).toContain(s);
    expect(new Set(column(rows, 'met'))).toEqual(new Set(['false', 'true']));
    expect(new Set(column(rows, 'completion_recorded'))).toEqual(new Set(['false']));
    expect(column(rows, 'kind')).toContain('atLeast');
    const daoli = csv(['--lang', 'en', '--group-by', 'district', '--place', '道里区']);
    const t03 = daoli.find((r) => r[2] === 't03-child-friendly-communities')!;
    expect(t03.slice(0, 10)).toEqual(['3', t03[1], 't03-child-friendly-communities', t03[3], 'atLeast', 'daoli', '道里区', '个', t03[8], '12']);
    const units = csv(['--lang', 'en', '--group-by', 'unit']);
    expect(units[0]).toEqual(['responsible_unit', 'role', ...ENGLISH_HEADER]);
    expect(new Set(column(units, 'role'))).toEqual(new Set(['lead', 'co-responsible']));
  });

  it('in the plan\'s language: the board\'s words for header, status, yes/no and role; the same known_at', () => {
    const rows = csv([]);
    expect(rows[0]).toEqual(CHINESE_HEADER);
    expect(new Set(column(rows, '账本记录截至'))).toEqual(new Set(['2024-10-31T18:00:00+08:00']));
    for (const s of column(rows, '状态')) expect(CHINESE_STATUS).toContain(s);
    expect(new Set(column(rows, '是否达标'))).toEqual(new Set(['是', '否']));
    expect(new Set(column(rows, '是否办结'))).toEqual(new Set(['否']));
    expect(column(rows, '类型')).toContain('不低于');
    const units = csv(['--group-by', 'unit']);
    expect(units[0]).toEqual(['责任单位', '角色', ...CHINESE_HEADER]);
    expect(new Set(column(units, '角色'))).toEqual(new Set(['牵头', '配合']));
    // A milestone counts places, in Chinese words too.
    expect(column(rows, '计量单位')).toContain('个区县');
    // No English word but the data's own: metric ids, place codes, deadline ids, and the plan's PM2.5.
    const ids = ['指标编号', '区县编号', '逾期未完成'].map((h) => rows[0]!.indexOf(h));
    const prose = rows.flatMap((r) => r.filter((_, i) => !ids.includes(i))).join('\n').replace(/PM2\.5/g, '');
    expect(prose.match(/[A-Za-z]{2,}/g)).toBeNull();
    // $MINSHENG_LANG and --lang say the same: the same bytes.
    expect(csv([], { MINSHENG_LANG: 'zh-CN' })).toEqual(rows);
    expect(csv(['--lang', 'zh-CN'], { MINSHENG_LANG: 'en' })).toEqual(rows);
    expect(csv([], { MINSHENG_LANG: 'en' })[0]).toEqual(ENGLISH_HEADER);
  });

  it('writes the file in the same words as stdout, and says so in them', () => {
    const out = join(tmp.dir, 'city.csv');
    const r = cli(['export', '--out', out, ...at, '--now', NOW], PLAN_LANG);
    expect(r.stdout).toMatch(/^已将 \d+ 行（全市视图，截至 2024-10-31）写入 .*city\.csv\n$/);
    expect(parseCsv(readFileSync(out, 'utf8'))[0]).toEqual(CHINESE_HEADER);
  });

  it('--format json stays the machine format: codes, known-at in UTC; --lang is refused for it', () => {
    const r = cli(['export', '--format', 'json', ...at, '--now', NOW], PLAN_LANG);
    const view = JSON.parse(r.stdout);
    expect(view.knownAt).toBe('2024-10-31T10:00:00.000Z');
    expect(ENGLISH_STATUS).toContain(view.rows[0].status);
    expectRefusal(cli(['export', '--format', 'json', '--lang', 'en', ...at]), 2, /^minsheng: --lang is for --format csv and html: json is a machine format and keeps the ledger's own codes$/);
  });
});
