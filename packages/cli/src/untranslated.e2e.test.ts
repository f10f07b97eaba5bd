import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES } from './messages';
import { spawn } from 'node:child_process';
import { until } from './testing/processes';
import { cli, MAIN, openSqlite, ROOT, SEED, tempDir } from './testing/run-cli';

/*
 * Every translated command, run in the Harbin plan's language: no English catalogue text may
 * appear in what it prints. A message left in English (or printed around the catalogue) fails.
 */

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
/** No MINSHENG_LANG: the plan's locale decides (the test runners pin English otherwise). */
const PLAN_LANG = { MINSHENG_LANG: '' };
const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30', '--responsible-unit', '市妇联'];

/** The literal parts of each English message that differ from the Chinese one and carry a word. */
const englishFragments = (): string[] => {
  const texts = (m: unknown): string[] => (typeof m === 'string' ? [m] : Object.values(m as Record<string, string>));
  const zh = new Set(Object.values(CATALOGUES['zh-CN']).flatMap(texts));
  return [...new Set(Object.values(CATALOGUES.en).flatMap(texts).filter((text) => !zh.has(text))
    .flatMap((text) => text.split(/\{\w+\}/)).map((f) => f.trim()).filter((f) => /[A-Za-z]{2}/.test(f)))];
};

/**
 * Words the output quotes as data, not as its own words: the Harbin plan's deadline id, the demo's
 * `--group-by district`, the command `minsheng status` (also the English CSV's column `status`).
 */
const QUOTED: ReadonlySet<string> = new Set(['completion', 'district', 'status']);

/** The English fragments found in `text`, each as a whole word or phrase (not part of an id such as progress-report). */
const englishIn = (text: string): string[] =>
  englishFragments().filter((f) => !QUOTED.has(f) && new RegExp(`(^|[^A-Za-z-])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z-])`).test(text));

describe('no English in the Chinese output (issue 18)', () => {
  const tmp = tempDir();
  const at = ['--db', join(tmp.dir, 'ledger.db')];
  const run = (args: string[]) => cli([...args, ...at, '--now', OCT], PLAN_LANG);

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each([[REPORT], [['status']], [['status', '--group-by', 'district']], [['status', '--group-by', 'unit']], [['verify']], [['plan', 'list']], [['plan', 'show']], [['plan', 'compare', 'harbin-2024', 'harbin-2024']], [['deadlines']], [['audit', '--task', '3', '--metric', 't03-child-friendly-communities']]])('%j', (args) => {
    const r = run(args);
    expect(r.code).toBe(0);
    expect(englishIn(r.stdout)).toEqual([]);
  });

  // The CLI's own refusals once the plan is read (issue 18): one line, exit 2, no English catalogue text.
  it.each([
    [['init'], /^minsheng: .* 处的账本是模拟账本（\d+ 个事件）；账本的模式在创建时即已确定\n$/],
    [['status', '--known-at', '2023-01-01'], /^minsheng: --known-at：\S+ 早于方案 harbin-2024 记入账本的时间\n$/],
    [[...REPORT, '--now', JAN], /^minsheng: --now "2024-01-02T09:00:00\+08:00" 早于账本最新事件/],
    [['plan', 'import', SEED, '--now', JAN], /^minsheng: --now "2024-01-02T09:00:00\+08:00" 早于账本最新事件/],
  ])('refuses %j in the plan\'s language', (args, line) => {
    const r = cli([...args, ...at], PLAN_LANG);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(line);
    expect(englishIn(r.stderr)).toEqual([]);
  });

  // Commander's refusal of a value not among the choices: the value and the choices are the words the option takes, not prose.
  it('refuses a --group-by not among its choices in the plan\'s language', () => {
    const r = cli(['status', '--group-by', 'nothing', ...at, '--now', OCT], PLAN_LANG);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe('minsheng: 选项 --group-by <view> 的参数 "nothing" 无效。可选值为 task、district、unit。\n');
  });

  // The lines commands wrote themselves (issue 18): each command that writes a file or changes the ledger, run for what it prints.
  it('init, migrate, plan import and check, rebuild, export to files, checkpoint: no English', () => {
    const out = (name: string) => join(tmp.dir, name);
    expect(cli(['keys', 'new', 'office', '--out', out('office.key')], PLAN_LANG).code).toBe(0);
    const commands = [
      ['init', '--simulated'],
      ['migrate'],
      ['plan', 'import', SEED],
      ['plan', 'check', SEED],
      ['rebuild'],
      ['rebuild', '--beside'],
      ['export', '--out', out('city.csv')],
      ['export', '--group-by', 'district', '--format', 'json', '--out', out('districts.json')],
      ['export', '--format', 'html', '--out', out('board.html')],
      ['export', '--format', 'xlsx', '--out', out('ledger.xlsx'), '--key', out('office.key')],
      ['export', '--events', '--out', out('log.jsonl')],
      ['checkpoint', '--key', out('office.key'), '--out', out('checkpoint.txt')],
    ];
    for (const args of commands) {
      const r = cli([...args, ...(args[1] === 'check' ? [] : [...at, '--now', OCT])], PLAN_LANG);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      // stderr holds the progress of long work (rebuild): in Chinese too. A command quoted as `code` and a file's name are not prose.
      expect({ args, english: englishIn((r.stdout + r.stderr).replace(/`[^`]*`/g, '').split(tmp.dir).join('').replace(/[\w.-]+\.(csv|json|html|xlsx|jsonl|txt|receipt|key)\b/g, '')) }).toEqual({ args, english: [] });
      expect({ args, chinese: /[\u4e00-\u9fff]/.test(r.stdout) }).toEqual({ args, chinese: true });
    }
  });

  // A read model ahead of the log (its last event deleted by the file's owner): each command that meets it says so in Chinese.
  it('status, worker --status and verify on a read model ahead of the log', () => {
    const copy = join(tmp.dir, 'deleted.db');
    copyFileSync(join(tmp.dir, 'ledger.db'), copy);
    const f = openSqlite(copy);
    f.exec('DROP TRIGGER events_no_delete; DELETE FROM events WHERE position = (SELECT max(position) FROM events)');
    f.close();
    for (const args of [['status'], ['worker', '--status'], ['verify']]) {
      const r = cli([...args, '--db', copy, '--now', OCT], PLAN_LANG);
      expect({ args, code: r.code }).toEqual({ args, code: 3 });
      expect(r.stderr).toMatch(/^minsheng: 读模型（ledger-index）已应用到位置 \d+ 的事件，而日志止于 \d+/m);
      expect({ args, english: englishIn(r.stdout + r.stderr) }).toEqual({ args, english: [] });
    }
  });

  // Core's reasons for refusing a plan file (issue 18): plan check and plan import of a Harbin plan with mistakes a person makes by hand.
  it('plan check and plan import of a bad plan', () => {
    const seed = readFileSync(SEED, 'utf8');
    const bad = (name: string, edit: (text: string) => string) => {
      const file = join(tmp.dir, name);
      const text = edit(seed);
      expect(text).not.toBe(seed);
      writeFileSync(file, text);
      return file;
    };
    // A file that is not JSON has no locale to read: the system's locale (a Chinese desktop's) says it.
    const files: [string, Record<string, string>][] = [
      [bad('bad-plan.json', (text) => text.replace('"id": "t01-job-stations"', '"id": "零工驿站"').replace('"written": "73个"', '"written": "70个以上"').replace('"timeZone": "+08:00"', '"timeZone": "+15:00"')), PLAN_LANG],
      // The checks of targets and status settings, and zod's own words: a tolerance that is no fraction, a baseline past the target, a wrong type, an unknown key.
      [bad('bad-targets.json', (text) => text.replace('"value": "0.05"', '"value": "5"').replace('"source": "全市建成73个标准化“家门口”就业服务站"', '"source": "全市建成73个标准化“家门口”就业服务站", "baseline": { "value": "80", "asOf": "2023-12-31" }')
        .replace('"outdoor": false', '"outdoor": "no"').replace('"level": "district",', '"level": "district", "colour": "红",')), PLAN_LANG],
      [bad('bad-json.json', (text) => text.replace('"timeZone": "+08:00",', '"timeZone": “+08:00”,')), { ...PLAN_LANG, LC_ALL: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' }],
    ];
    for (const [file, env] of files)
      for (const args of [['plan', 'check', file], ['plan', 'import', file, ...at, '--now', OCT]]) {
        const r = cli(args, env);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        // Where in the plan (tasks[0].metrics[0].baseline.value) names the file's own fields: data, not prose.
        const said = (r.stdout + r.stderr).split(tmp.dir).join('').replace(/\b[A-Za-z]+(?:\[\d+\]|\.[A-Za-z]+)+/g, '');
        expect({ args, english: englishIn(said) }).toEqual({ args, english: [] });
        // Core's words, not the catalogue's: no three English words in a row outside quotes.
        expect({ args, prose: said.replace(/"[^"]*"|“[^”]*”/g, '').match(/\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b/gi) }).toEqual({ args, prose: null });
        expect(said).toMatch(/不是编号|不是有效的 JSON|基线 80 已达到目标 73/);
      }
  });

  /** What `minsheng worker args…` printed in the plan's language until `waited` showed and SIGTERM stopped it (exit 0); no paths or owner. */
  const workerSays = async (args: readonly string[], what: string, waited: RegExp): Promise<string> => {
    const env = Object.fromEntries(Object.entries({ ...process.env, ...PLAN_LANG }).filter(([k]) => !['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL', 'MINSHENG_NO_PROJECT'].includes(k)));
    const child = spawn(process.execPath, [MAIN, 'worker', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await until(what, () => waited.test(out));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return out.split(tmp.dir).join('').replace(/\b[\w.-]+:\d+: /g, '');
  };
  const copyOfLedger = (name: string): string => {
    const copy = join(tmp.dir, name);
    copyFileSync(join(tmp.dir, 'ledger.db'), copy);
    return copy;
  };
  /** A read model that refuses every batch, as a full disk would: a trigger on each read-model version's checkpoints (rebuild --beside above switched the serving one). */
  const fullDisk = (file: string): void => {
    const f = openSqlite(file);
    const tables = (f.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%checkpoints'").all() as { name: string }[]).map((r) => r.name);
    expect(tables.length).toBeGreaterThan(0);
    // The system's own error, in words that are not English: what is left to find is the CLI's and projections' words.
    for (const table of tables) f.exec(`CREATE TRIGGER full_disk_${table} BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '磁盘已满'); END`);
    f.close();
  };

  // A running worker's own lines (issue 18): started, the lease, progress, released, stopped on SIGTERM.
  it('a worker run until SIGTERM', async () => {
    const copy = copyOfLedger('worker.db');
    expect(cli(['rebuild', '--db', copy, '--now', OCT], PLAN_LANG).code).toBe(0);
    const said = await workerSays(['--db', copy, '--progress-ms', '50'], 'the worker takes the lease', /租约/);
    expect(said).toMatch(/已在 .* 处的账本上启动/);
    expect(said).toMatch(/收到 SIGTERM 后已停止/);
    expect(englishIn(said)).toEqual([]);
    expect(said.match(/\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b/gi)).toBeNull();
  });

  // An error line (issue 18): a round that fails as the read model refuses a batch (a trigger stands for a full disk), retried.
  it('a worker whose batch fails, retrying', async () => {
    const copy = copyOfLedger('failing.db');
    expect(cli([...REPORT, '--value', '13', '--no-project', '--db', copy, '--now', OCT]).code).toBe(0);
    fullDisk(copy);
    const said = await workerSays(['--db', copy, '--poll-ms', '50', '--lease-ms', '1000'], 'the worker retries a failed batch', /重试/);
    expect(said).toMatch(/ledger-index：应用位置 \d+\.\.\d+ 失败：磁盘已满；(已放弃租约；)?\d+ 毫秒后重试/);
    expect(englishIn(said)).toEqual([]);
    expect(said.replace(/ledger-index|worker/g, '').match(/\b[a-z]{2,} [a-z]{2,}\b/gi)).toBeNull();
  });

  // A write whose read model then failed (issue 18): recorded, not projected, said with projections' words in Chinese.
  it('a report written but not projected', () => {
    const copy = copyOfLedger('not-projected.db');
    fullDisk(copy);
    const r = cli([...REPORT, '--value', '14', '--db', copy, '--now', OCT], PLAN_LANG);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^minsheng: 已记录事件 \S+，位置 \d+，但读模型未更新：ledger-index：应用位置 \d+\.\.\d+ 失败：磁盘已满\n/);
    expect(englishIn(r.stderr)).toEqual([]);
    expect(r.stderr.replace(/`[^`]*`|ledger-index|worker/g, '').match(/\b[a-z]{2,} [a-z]{2,}\b/gi)).toBeNull();
  });

  // worker --projection (issue 18): a user's projection (examples/custom-projection) started, applied, caught up, stopped.
  it('a worker running a projection module', async () => {
    const copy = copyOfLedger('projection.db');
    const module = join(ROOT, 'examples/custom-projection/dist/unit-months.js');
    const said = await workerSays(['--db', copy, '--projection', module, '--poll-ms', '50'], 'the projection catches up', /已追上/);
    expect(said).toMatch(/已在 .* 处的账本上启动投影 unit-months/);
    expect(said).toMatch(/投影 unit-months 已停止/);
    expect(englishIn(said)).toEqual([]);
    expect(said.replace(/unit-months|worker/g, '').match(/\b[a-z]{2,} [a-z]{2,}\b/gi)).toBeNull();
  });

  it('a deadline check on a production ledger at another time (a dry run)', () => {
    const prod = ['--db', join(tmp.dir, 'production.db')];
    expect(cli(['init', ...prod]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...prod]).code).toBe(0);
    const r = cli(['deadlines', ...prod, '--now', '2027-01-04T12:00:00+08:00'], PLAN_LANG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/试运行/);
    expect(englishIn(r.stdout)).toEqual([]);
  });

  it('the demo', () => {
    const r = cli(['demo', '--db', join(tmp.dir, 'demo.db')], PLAN_LANG);
    expect(r.code).toBe(0);
    expect(englishIn(r.stdout)).toEqual([]);
  });
});

/*
 * --help in Chinese: no command or option described in English, whether its text is in the
 * catalogue (an English fragment shows) or written beside it (three English words in a row
 * outside `code`). commander wraps lines: its breaks are undone before looking.
 */
describe('no English in --help in Chinese (issue 18)', () => {
  const COMMANDS = [
    [], ['init'], ['migrate'], ['plan'], ['plan', 'check'], ['plan', 'import'], ['plan', 'show'], ['plan', 'list'], ['plan', 'compare'],
    ['report'], ['correct'], ['retract'], ['status'], ['audit'], ['deadlines'], ['rebuild'], ['worker'], ['verify'], ['checkpoint'],
    ['prove'], ['keys'], ['keys', 'new'], ['export'], ['roles'], ['serve'], ['demo'],
  ];
  const PROSE = /\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b/;

  it.each(COMMANDS)('minsheng %s %s --help', (...command) => {
    const r = cli([...command, '--help'], { MINSHENG_LANG: 'zh-CN' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const text = r.stdout.replace(/^用法：.*\n/, '').replace(/\n +/g, ' ');
    // Words (yes, lead) may be values in Chinese text too; a phrase or a label ("default:") may not.
    const found = englishFragments().filter((f) => (f.includes(' ') || f.endsWith(':')) && text.includes(f));
    expect(found).toEqual([]);
    expect(text.replace(/`[^`]*`/g, '').match(PROSE)).toBeNull();
  });
});
