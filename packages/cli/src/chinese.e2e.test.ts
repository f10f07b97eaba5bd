import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SEED, tempDir } from './testing/run-cli';

/* Issue 18: the Harbin plan's locale is zh-CN, so the CLI speaks Chinese to its office unless told otherwise. */

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
/** No MINSHENG_LANG: the plan's locale decides (the test runners pin English otherwise). */
const PLAN_LANG = { MINSHENG_LANG: '' };
const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30', '--responsible-unit', '市妇联'];

describe('the CLI in the plan\'s language (issue 18)', () => {
  const tmp = tempDir();
  const at = ['--db', join(tmp.dir, 'ledger.db')];
  const run = (args: string[], env: Record<string, string> = PLAN_LANG) => cli([...args, ...at, '--now', OCT], env);

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('records a report in Chinese', () => {
    const r = run(REPORT);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^已记录上报 [0-9A-Z]{26}，位置 \d+\n任务 3 未因此事件办结\n$/);
  });

  it('shows the status in Chinese by default, with the dashboard\'s status words and Chinese headers', () => {
    const r = run(['status']);
    expect(r.code).toBe(0);
    const [title, moment, , header] = r.stdout.split('\n');
    expect(title).toMatch(/^全市视图 — 哈尔滨市/);
    expect(moment).toMatch(/^统计截至 2024-10-01，账本记录截至 2024-10-01 10:00 \(\+08:00\)；共 89 行：已完成 \d+ · 序时推进 \d+ · 滞后 \d+ · 未完成 \d+ · 未启动 \d+/);
    expect(header!.split(/\s+/).filter(Boolean)).toEqual(['序号', '指标', '目标', '完成值', '完成率', '序时进度', '状态', '备注']);
    expect(run(['status', '--place', '道里区']).stdout.split('\n')[0]).toMatch(/^区县视图：道里区 — /);
  });

  it('shows an audit trail in Chinese, its times in the plan\'s time zone', () => {
    const r = run(['audit', '--task', '3', '--metric', 't03-child-friendly-communities']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^审计：任务 3 .* — .*（t03-child-friendly-communities）$/);
    expect(lines[2]).toBe('时点：统计截至 2024-10-01，账本记录截至 2024-10-01 10:00 (+08:00)');
    expect(r.stdout).toMatch(/\n  位置 +事件编号 +类型 +作用于 +区县 +数据截至 +记录时间 /);
    expect(r.stdout).toMatch(/上报 .* 道里区 +2024-09-30 +2024-10-01 10:00 .* 有效\n/);
    expect(lines.at(-2)).toBe('重放：事件得出 12；与所示数值一致。');
  });

  it('switches to English with --lang en, before or after the command, and with $MINSHENG_LANG', () => {
    expect(run(['status', '--lang', 'en']).stdout).toMatch(/^City view — /);
    expect(run(['--lang=en', 'status']).stdout).toMatch(/^City view — /);
    expect(run(['status'], { MINSHENG_LANG: 'en' }).stdout).toMatch(/^City view — /);
    // --lang wins over the environment.
    expect(run(['status', '--lang', 'zh-CN'], { MINSHENG_LANG: 'en' }).stdout).toMatch(/^全市视图 — /);
  });

  it('keeps --json in machine keys', () => {
    const rows = JSON.parse(run(['status', '--json']).stdout).rows as { status: string }[];
    expect(rows.every((row) => /^[a-z ()]+$/.test(row.status))).toBe(true);
  });

  it('refuses bad input in Chinese, one line naming what was wrong, exit 2, nothing written', () => {
    const events = () => JSON.parse(run(['verify', '--json']).stdout).events as number;
    const before = events();
    const refused = (args: string[], env: Record<string, string> = PLAN_LANG) => {
      const r = run(args, env);
      return [r.code, r.stdout, r.stderr];
    };
    const value = REPORT.indexOf('--value') + 1;
    const withValue = (v: string) => [...REPORT.slice(0, value), v, ...REPORT.slice(value + 1)];
    expect(refused(withValue('abc'))).toEqual([2, '', 'minsheng: --value："abc" 必须是十进制数，例如 "2.55"\n']);
    expect(refused(withValue('-3'))).toEqual([2, '', 'minsheng: --value："-3" 不能为负数\n']);
    expect(refused(REPORT.map((a) => (a === '道里区' ? '火星区' : a)))).toEqual([2, '', 'minsheng: 火星区 不是计划中的区县\n']);
    expect(refused(REPORT.map((a) => (a === '市妇联' ? '市教育局' : a)))).toEqual([2, '', 'minsheng: 市教育局 不是任务 3 的责任单位（责任单位：市妇联、市发改委）\n']);
    expect(refused(REPORT.map((a) => (a === '2024-09-30' ? '2024-10-02' : a)))).toEqual([2, '', 'minsheng: --as-of：2024-10-02 在未来（今天是 2024-10-01）\n']);
    expect(refused(['audit', '--task', '99', '--metric', 't03-child-friendly-communities'])).toEqual([2, '', 'minsheng: 任务 99 不在计划中\n']);
    expect(events()).toBe(before);
  });

  it("says commander's own refusals in Chinese when --lang or $MINSHENG_LANG asks (the plan is not read before parsing), exit 2", () => {
    const zh = { MINSHENG_LANG: 'zh-CN' };
    expect([cli(['status', '--bogus'], zh).code, cli(['status', '--bogus'], zh).stderr]).toEqual([2, 'minsheng: 未知选项 --bogus\n']);
    expect(cli(['stauts', '--lang', 'zh-CN']).stderr).toBe('minsheng: 未知命令 stauts\n');
    expect(cli(['report', '--task'], zh).stderr).toBe('minsheng: 选项 --task <n> 缺少参数\n');
    expect(cli(['report', '--task', 'x'], zh).stderr).toBe('minsheng: 选项 --task <n> 的参数 "x" 无效。须为正整数，例如 13。\n');
    expect(cli(['report', ...at], zh).stderr).toBe('minsheng: 缺少必需的选项 --task <n>\n');
    expect(cli(['plan', 'import'], zh).stderr).toBe('minsheng: 缺少必需的参数 file\n');
    expect(cli(['status', 'extra'], zh).stderr).toBe('minsheng: 参数过多（命令 status）：应有 0 个，实际 1 个。\n');
  });

  // The CLI's own refusals (issue 18): a sample across the commands that build them, each one line, exit 2, nothing written.
  it.each([
    [['export', '--format', 'xlsx', ...at], '--format xlsx 输出二进制工作簿：请给出 --out <file>（未写入任何内容）'],
    [['export', '--events', '--from', '5', '--to', '2', ...at], '--from 5 在 --to 2 之后'],
    [['export', '--events', '--from', 'x', ...at], '--from 必须是位置（从 1 起的整数），而不是 "x"'],
    [['export', '--from', '2', ...at], '--from 和 --to 须与 --events 同用'],
    [['export', '--key', 'k', ...at], '--key 签署的回执保存在导出文件旁：请给出 --out <file>（未写入任何内容）'],
    [['rebuild', '--drop-old', ...at], '--drop-old 须与 --beside 同用：原地重建没有旧版本'],
    [['worker', 'stat', ...at], '未知的 worker 操作 "stat"；是否想用 `minsheng worker status`？'],
    [['worker', '--lease-ms', '100', '--poll-ms', '100', ...at], '--lease-ms（100）必须大于 --poll-ms（100）的两倍'],
    [['prove', ...at], '请给出事件编号（包含证明）或 --from CHECKPOINT（一致性证明），二者只能给出其一'],
    [['prove', '01J92WWJ80C33YMQ4WV37YHANF', ...at], '日志中没有事件 01J92WWJ80C33YMQ4WV37YHANF'],
    [['checkpoint', '--origin', '', ...at], '--key：请给出 `minsheng keys new` 生成的签名密钥文件（或设置 $MINSHENG_KEY）'],
    [['roles', '--print-sql', '--schema', 'Bad'], '--schema："Bad" 不是小写 SQL 标识符（字母、数字、_；至多 63 个字符）'],
    [['roles', '--print-sql', '--read-model', 'minsheng'], '--read-model："minsheng" 是事件库的模式；读模型须有自己的模式'],
    [['plan', 'check', 'no-such-plan.json'], '无法读取计划文件 no-such-plan.json：ENOENT'],
    [['plan', 'import', SEED, '--reason', 'a\x01b', ...at], '--reason："a\\u0001b" 第 2 个字符是控制字符 U+0001；文字须可打印且在一行内'],
  ])('says the CLI\'s own refusal %j in Chinese', (args, line) => {
    const r = cli(args, { MINSHENG_LANG: 'zh-CN', MINSHENG_KEY: '' });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `minsheng: ${line}\n`]);
  });

  it('says the ledger\'s coded refusals in Chinese: a target revision under reports, an event of no plan', () => {
    const revised = join(tmp.dir, 'revised.json');
    const plan = JSON.parse(readFileSync(SEED, 'utf8'));
    const metric = plan.tasks[2].metrics.find((m: { id: string }) => m.id === 't03-child-friendly-communities');
    Object.assign(metric, { target: { kind: 'share', value: '20', unit: '%', numerator: '儿童友好社区', denominator: '社区' }, written: '20%' });
    writeFileSync(revised, JSON.stringify(plan));
    const r = run(['plan', 'import', revised, '--document', '哈政办发〔2024〕9号', '--reason', '改为占比']);
    expect([r.code, r.stderr]).toEqual([2, 'minsheng: 该计划修改了已有上报所依据的目标：t03-child-friendly-communities 的目标类型由 atLeast 改为 share（按 atLeast 已记录 1 条上报）；请为新目标另设指标编号，或先撤回这些上报；未导入任何内容\n']);
    const retract = run(['retract', '01J92WWJ80C33YMQ4WV37YHANF', '--reason', '错报', '--responsible-unit', '市妇联']);
    expect([retract.code, retract.stderr]).toEqual([2, 'minsheng: 事件 01J92WWJ80C33YMQ4WV37YHANF 不是账本中的进度上报或更正\n']);
  });

  it('says signed mode\'s refusals and `keys new` in Chinese, nothing written', () => {
    const zh = { MINSHENG_LANG: 'zh-CN' };
    const key = join(tmp.dir, 'fed.key');
    const made = cli(['keys', 'new', 'fed', '--out', key], zh);
    expect([made.code, made.stdout.split('\n')[0]]).toEqual([0, `已将签名密钥 fed 写入 ${key}（请保密），其验证密钥写入 ${key}.pub：`]);
    const again = cli(['keys', 'new', 'fed', '--out', key], zh);
    expect([again.code, again.stderr]).toEqual([2, `minsheng: --out："${key}" 已存在；未写入任何内容（密钥从不覆盖）\n`]);
    expect(cli(['keys', 'new', 'f ed', '--out', join(tmp.dir, 'x.key')], zh).stderr).toBe('minsheng: <name>：密钥名称 "f ed" 不得含空格、“+”或控制字符\n');
    const signed = run([...REPORT, '--sign-with', key]);
    expect([signed.code, signed.stderr]).toEqual([2, 'minsheng: 台账未处于签名模式，无法核验签名；未写入任何内容（请开启签名模式，或不附签名）\n']);
    const register = run(['keys', 'register', '--responsible-unit', '市妇联', '--key', `${key}.pub`, '--admin', key]);
    expect([register.code, register.stderr]).toEqual([2, 'minsheng: 台账未处于签名模式（minsheng signing on）；未写入任何内容\n']);
    // A ledger in signed mode, the plan's locale speaking: a report without a signature, a key event not signed by the administrator.
    const signedAt = ['--db', join(tmp.dir, 'signed.db')];
    expect(cli(['init', '--simulated', ...signedAt, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...signedAt, '--now', JAN]).code).toBe(0);
    const admin = join(tmp.dir, 'admin.key');
    expect(cli(['keys', 'new', 'harbin-admin', '--out', admin]).code).toBe(0);
    expect(cli(['signing', 'on', '--admin-key', `${admin}.pub`, '--admin', admin, ...signedAt, '--now', JAN]).code).toBe(0);
    const unsigned = cli([...REPORT, ...signedAt, '--now', OCT], PLAN_LANG);
    expect([unsigned.code, unsigned.stderr]).toEqual([2, 'minsheng: 台账处于签名模式：进度上报须由责任单位已登记的密钥签名；未写入任何内容\n']);
    const byUnit = cli(['keys', 'register', '--responsible-unit', '市妇联', '--key', `${key}.pub`, '--admin', key, ...signedAt, '--now', OCT], PLAN_LANG);
    expect([byUnit.code, byUnit.stderr]).toMatchObject([2, expect.stringMatching(/^minsheng: 单位密钥登记须由管理员密钥 [0-9a-f]{8} 签名，而非密钥 [0-9a-f]{8}；未写入任何内容\n$/)]);
  });

  it('prints --help in Chinese with --lang zh-CN, and in English without it', () => {
    const r = cli(['report', '--help', '--lang', 'zh-CN']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^用法： minsheng report \[options\]\n\n记录责任单位某任务某指标在某地截至某日的累计数值\n\n选项：\n/);
    expect(r.stdout).toMatch(/\n  --task <n> +任务序号\n/);
    expect(r.stdout).toMatch(/\n  -h, --help +显示命令帮助\n/);
    expect(cli(['report', '--help']).stdout).toMatch(/^Usage: minsheng report \[options\]\n/);
  });

  it.each([
    [['--lang', 'fr'], {}, '--lang: "fr" is not a language the CLI speaks: give zh-CN or en'],
    [[], { MINSHENG_LANG: 'klingon' }, '$MINSHENG_LANG: "klingon" is not a language the CLI speaks: give zh-CN or en'],
  ])('refuses an unknown language %j %j in one line, exit 2', (flag, env, line) => {
    const r = run(['status', ...flag], env);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `minsheng: ${line}\n`]);
  });
});
