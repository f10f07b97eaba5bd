import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, SEED, tempDir } from './testing/run-cli';

/*
 * The language before the ledger is open (issue 18): a refusal made before anything opens is in
 * the language of the plan the command names (its ledger's, or its plan file's), else the
 * system's locale, else English; --lang and $MINSHENG_LANG still win. Guessing reads the ledger
 * without changing it: no file appears beside it, its bytes stay, and the exit code is the one
 * the same command gives in English.
 */

const JAN = '2024-01-02T09:00:00+08:00';
/** No MINSHENG_LANG, and a system locale that asks for nothing (the test runners pin English otherwise). */
const NO_CHOICE = { MINSHENG_LANG: '', LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

describe('the language before the ledger is open (issue 18)', () => {
  const tmp = tempDir();
  const ledger = join(tmp.dir, 'zh', 'ledger.db');
  const at = ['--db', ledger];

  beforeAll(() => {
    mkdirSync(join(tmp.dir, 'zh'));
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each([
    [['status', '--bogus'], /^minsheng: 未知选项 --bogus\n$/],
    [['status', '--now', 'nonsense'], /^minsheng: --now："nonsense" 不是带 UTC 偏移的时间/],
    [['report', '--task', 'x'], /^minsheng: 选项 --task <n> 的参数 "x" 无效。/],
  ])("refuses %j in the ledger's plan's language, with the English exit code, changing nothing", (args, line) => {
    const before = { files: readdirSync(join(tmp.dir, 'zh')), bytes: readFileSync(ledger) };
    const r = cli([...args, ...at], NO_CHOICE);
    expect(r.stderr).toMatch(line);
    expect(r.code).toBe(cli([...args, ...at], { ...NO_CHOICE, MINSHENG_LANG: 'en' }).code);
    expect(readdirSync(join(tmp.dir, 'zh'))).toEqual(before.files);
    expect(readFileSync(ledger).equals(before.bytes)).toBe(true);
  });

  it('reads ./ledger.db when no --db names another', () => {
    const r = cli(['status', '--bogus'], NO_CHOICE, join(tmp.dir, 'zh'));
    expect([r.code, r.stderr]).toEqual([2, 'minsheng: 未知选项 --bogus\n']);
  });

  it('--help in a folder with a Chinese ledger is in Chinese', () => {
    const r = cli(['--help'], NO_CHOICE, join(tmp.dir, 'zh'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^用法：/);
  });

  it('--lang and $MINSHENG_LANG win over the plan', () => {
    expect(cli(['status', '--bogus', ...at, '--lang', 'en'], NO_CHOICE).stderr).toBe("minsheng: unknown option '--bogus'\n");
    expect(cli(['status', '--bogus', ...at], { ...NO_CHOICE, MINSHENG_LANG: 'en' }).stderr).toBe("minsheng: unknown option '--bogus'\n");
  });

  it("takes a plan file's locale: plan check, plan import", () => {
    expect(cli(['plan', 'check', SEED, '--bogus'], NO_CHOICE).stderr).toBe('minsheng: 未知选项 --bogus\n');
    const en = join(tmp.dir, 'en-plan.json');
    writeFileSync(en, JSON.stringify({ ...JSON.parse(readFileSync(SEED, 'utf8')), locale: 'en' }));
    // The plan file says English: it wins over the system's Chinese and the ledger's Chinese plan.
    const r = cli(['plan', 'import', en, '--bogus', ...at], { ...NO_CHOICE, LANG: 'zh_CN.UTF-8' });
    expect([r.code, r.stderr]).toEqual([2, "minsheng: unknown option '--bogus'\n"]);
  });

  it('with no ledger and no plan file: the system locale ($LC_ALL, $LC_MESSAGES, $LANG), else English', () => {
    const missing = ['status', '--db', join(tmp.dir, 'missing.db')];
    const zh = cli(missing, { ...NO_CHOICE, LANG: 'zh_CN.UTF-8' });
    expect([zh.code, zh.stderr]).toEqual([2, `minsheng: ${join(tmp.dir, 'missing.db')} 处没有账本；请用 \`minsheng init\` 创建\n`]);
    expect(cli(missing, { ...NO_CHOICE, LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }).stderr).toMatch(/处没有账本/);
    expect(cli(missing, { ...NO_CHOICE, LC_MESSAGES: 'zh_CN.UTF-8' }).stderr).toMatch(/处没有账本/);
    const en = cli(missing, NO_CHOICE);
    expect([en.code, en.stderr]).toEqual([2, `minsheng: no ledger at ${join(tmp.dir, 'missing.db')}; create one with \`minsheng init\`\n`]);
    expect(readdirSync(tmp.dir)).not.toContain('missing.db');
  });

  // Commands with no ledger to read (keys new; a --db where there is none): --lang, then $MINSHENG_LANG, before the system's locale.
  it('with no ledger: --lang and $MINSHENG_LANG win over the system locale, either way', () => {
    const missing = join(tmp.dir, 'missing.db');
    const noLedger = { en: `minsheng: no ledger at ${missing}; create one with \`minsheng init\`\n`, zh: `minsheng: ${missing} 处没有账本；请用 \`minsheng init\` 创建\n` };
    const keyFile = (name: string) => join(tmp.dir, `${name}.key`);
    const madeKey = { en: (name: string) => `wrote the signer key office to ${keyFile(name)} (keep it secret) and its verifier key to ${keyFile(name)}.pub:`, zh: (name: string) => `已将签名密钥 office 写入 ${keyFile(name)}（请保密），其验证密钥写入 ${keyFile(name)}.pub：` };
    const cases: [string, string[], Record<string, string>, 'en' | 'zh'][] = [
      ['lang-en', ['--lang', 'en'], { LANG: 'zh_CN.UTF-8' }, 'en'],
      ['lang-zh', ['--lang', 'zh-CN'], {}, 'zh'],
      ['env-en', [], { MINSHENG_LANG: 'en', LC_ALL: 'zh_CN.UTF-8' }, 'en'],
      ['env-zh', [], { MINSHENG_LANG: 'zh-CN' }, 'zh'],
      // --lang before $MINSHENG_LANG.
      ['both', ['--lang', 'en'], { MINSHENG_LANG: 'zh-CN', LANG: 'zh_CN.UTF-8' }, 'en'],
    ];
    for (const [name, flag, env, lang] of cases) {
      const r = cli(['status', '--db', missing, ...flag], { ...NO_CHOICE, ...env });
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 2, stderr: noLedger[lang] });
      const k = cli(['keys', 'new', 'office', '--out', keyFile(name), ...flag], { ...NO_CHOICE, ...env });
      expect({ name, code: k.code, said: k.stdout.split('\n')[0] }).toEqual({ name, code: 0, said: madeKey[lang](name) });
    }
    expect(readdirSync(tmp.dir)).not.toContain('missing.db');
  });

  it('a --db that is not a ledger: the same refusal and exit code as in English, in the system language', () => {
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'not a ledger\n');
    const zh = cli(['status', '--db', text], { ...NO_CHOICE, LANG: 'zh_CN.UTF-8' });
    const en = cli(['status', '--db', text], NO_CHOICE);
    expect(zh.code).toBe(en.code);
    expect(zh.stderr).not.toBe(en.stderr);
    expect(readFileSync(text, 'utf8')).toBe('not a ledger\n');
  });
});
