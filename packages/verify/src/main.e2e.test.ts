import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signCheckpoint } from './checkpoint';
import { newSignerKey, parseSignerKey, type SignerKey } from './keys';
import { checkLog, isFault } from './log';
import { chain, lines } from './testing/chain';

const VERIFY = resolve(__dirname, '../dist/main.js');

/** minsheng-verify as a process, with only the language variables `env` gives (none of the caller's). */
const verify = (args: readonly string[], env: Record<string, string> = {}) => {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['MINSHENG_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG'].includes(k)));
  const r = spawnSync(process.execPath, [VERIFY, ...args], { encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('minsheng-verify in the reader’s language', () => {
  let dir = '';
  let args: string[] = [];
  let altered = '';
  const log = chain(12);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-verify-lang-'));
    const k = newSignerKey('harbin-ledger');
    writeFileSync(join(dir, 'key.pub'), k.verifier);
    const tree = checkLog(log);
    if (isFault(tree)) throw new Error(tree.reason);
    const cp = signCheckpoint({ origin: 'harbin-2024', size: 12, root: tree.tree.root(), time: '2025-01-05T02:00:00.000Z' }, parseSignerKey(k.signer) as SignerKey);
    writeFileSync(join(dir, 'cp-12.txt'), cp);
    writeFileSync(join(dir, 'events.jsonl'), lines(log));
    altered = join(dir, 'altered.jsonl');
    writeFileSync(altered, lines(log).replace('"value":"7"', '"value":"8"'));
    args = ['--key', join(dir, 'key.pub'), '--checkpoint', join(dir, 'cp-12.txt'), '--log'];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says yes in Chinese with MINSHENG_LANG=zh-CN', () => {
    const events = join(dir, 'events.jsonl');
    const r = verify([...args, events], { MINSHENG_LANG: 'zh-CN' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^是：检查点 \S+cp-12\.txt 由 harbin-ledger 签署：12 个事件，根哈希 [0-9a-f]{64}，签署于 2025-01-05T02:00:00\.000Z$/);
    expect(out.slice(1)).toEqual([`是：${events}：12 个事件；每个哈希及链接均成立；最新哈希 ${log[11]!.hash}`, `是：${events} 前 12 个事件的根哈希正是 2025-01-05T02:00:00.000Z 的检查点所签的`, '']);
  });

  it('names an altered event in Chinese, its reason too, from the system locale alone', () => {
    const r = verify([...args, altered], { LANG: 'zh_CN.UTF-8' });
    expect(r).toEqual({ code: 3, stdout: expect.stringMatching(/^是：检查点 /), stderr: `minsheng-verify: 否：${altered}：位置 7 的事件（E7）未通过核验：存储的哈希与事件内容不符\n` });
  });

  it('speaks English with --lang en whatever the environment says, and refuses a language it does not speak', () => {
    const r = verify(['--lang', 'en', ...args, altered], { MINSHENG_LANG: 'zh-CN', LANG: 'zh_CN.UTF-8' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`minsheng-verify: no: ${altered}: event at position 7 (E7) fails: stored hash does not match the event's content\n`);
    expect(verify([...args, altered], { MINSHENG_LANG: 'fr' })).toEqual({ code: 2, stdout: '', stderr: 'minsheng-verify: $MINSHENG_LANG fr: give zh-CN or en\n' });
    expect(verify(['--lang=de', ...args, altered], { LANG: 'zh_CN.UTF-8' })).toEqual({ code: 2, stdout: '', stderr: 'minsheng-verify: --lang de：请给出 zh-CN 或 en\n' });
  });

  it('gives its usage in Chinese', () => {
    const r = verify(['--help'], { LC_ALL: 'zh_CN.UTF-8' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^用法：minsheng-verify --key KEY\.pub .* \[--lang zh-CN\|en\]\n\n在您自己的机器上核验/);
  });
});
