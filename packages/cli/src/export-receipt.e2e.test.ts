import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, SEED, tempDir } from './testing/run-cli';

const VERIFY = resolve(__dirname, '../../verify/dist/main.js');
const verifier = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, [VERIFY, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('a signed receipt for an exported view, checked by minsheng-verify --view', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];
  const key = join(tmp.dir, 'harbin.key');
  const file = (name: string) => join(tmp.dir, name);
  const report = (value: string, now: string) =>
    cli(['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', '道里区', '--value', value, '--as-of', '2024-09-30', '--responsible-unit', '市住建局', '--now', now, ...at]);

  beforeAll(() => {
    expect(cli(['init', '--simulated', '--now', '2024-01-01T09:00:00+08:00', ...at]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, '--now', '2024-01-02T09:00:00+08:00', ...at]).code).toBe(0);
    expect(report('120', '2024-10-01T10:00:00+08:00').code).toBe(0);
    expect(cli(['keys', 'new', 'harbin-ledger', '--out', key]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each(['json', 'csv', 'xlsx', 'html'])('signs the %s view with the log it was computed from; a changed byte is caught', (format) => {
    const out = file(`city.${format}`);
    const r = cli(['export', '--format', format, '--out', out, '--key', key, '--now', '2024-10-02T10:00:00+08:00', ...at]);
    expect(r.code).toBe(0);
    const size = Number(/computed from the first (\d+) events, signed by harbin-ledger\) to .*city\.\w+\.receipt\n$/.exec(r.stdout)![1]);
    const receipt = readFileSync(`${out}.receipt`, 'utf8').split('\n');
    expect(receipt.slice(0, 2)).toEqual(['harbin-ledger', String(size)]);
    expect(receipt.slice(4, 8)).toEqual([`view ${format}`, 'plan harbin-2024', 'as-of 2024-10-02', 'known-at 2024-10-02T02:00:00.000Z']);

    const log = file(`events-${format}.jsonl`);
    expect(cli(['export', '--events', '--out', log, ...at]).code).toBe(0);
    const yes = verifier(['--key', `${key}.pub`, '--checkpoint', `${out}.receipt`, '--log', log, '--view', out]);
    expect(yes.stderr).toBe('');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`is the ${format} view of plan harbin-2024 as of 2024-10-02, known at 2024-10-02T02:00:00.000Z, computed from the first ${size} events`);
    expect(yes.stdout).toContain(`the first ${size} events of ${log} have the root the checkpoint`);

    const bytes = readFileSync(out);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(file(`altered.${format}`), bytes);
    const no = verifier(['--key', `${key}.pub`, '--checkpoint', `${out}.receipt`, '--view', file(`altered.${format}`)]);
    expect(no.code).toBe(3);
    expect(no.stderr).toMatch(/^minsheng-verify: no: .*altered\.\w+: its SHA-256 is [0-9a-f]{64}; the receipt signs [0-9a-f]{64}: the file was altered or is another export\n$/);
  });

  it('signs the log as known at the view\'s known-at: later reports do not change what the receipt proves', () => {
    expect(report('180', '2024-11-01T10:00:00+08:00').code).toBe(0);
    const out = file('october.json');
    expect(cli(['export', '--format', 'json', '--out', out, '--key', key, '--known-at', '2024-10-15', '--now', '2024-11-02T10:00:00+08:00', ...at]).code).toBe(0);
    const size = Number(readFileSync(`${out}.receipt`, 'utf8').split('\n')[1]);
    const log = file('events-now.jsonl');
    expect(cli(['export', '--events', '--out', log, ...at]).code).toBe(0);
    const head = readFileSync(log, 'utf8').trim().split('\n').length;
    expect(size).toBe(head - 1); // the November report is after the view's known-at
    expect(verifier(['--key', `${key}.pub`, '--checkpoint', `${out}.receipt`, '--log', log, '--view', out]).code).toBe(0);
    // The ledger itself checks the receipt as the checkpoint it is.
    const v = cli(['verify', '--checkpoint', `${out}.receipt`, '--key', `${key}.pub`, ...at]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`the log extends the checkpoint of 2024-11-02T02:00:00.000Z (${size} events, signed by harbin-ledger)`);
  });

  it('refuses a receipt whose words were changed, and a checkpoint given as a receipt', () => {
    const out = file('city.json');
    const forged = file('forged.receipt');
    writeFileSync(forged, readFileSync(`${out}.receipt`, 'utf8').replace('as-of 2024-10-02', 'as-of 2024-12-31'));
    const no = verifier(['--key', `${key}.pub`, '--checkpoint', forged, '--view', out]);
    expect(no.code).toBe(3);
    expect(no.stderr).toMatch(/the signature by harbin-ledger does not verify/);
    const cp = file('plain-checkpoint.txt');
    expect(cli(['checkpoint', '--key', key, '--out', cp, ...at]).code).toBe(0);
    const plain = verifier(['--key', `${key}.pub`, '--checkpoint', cp, '--view', out]);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/it is a checkpoint, not a view's receipt \(no "view", "plan", "as-of", "known-at", "sha256" line\)\n$/);
    expect(verifier(['--key', `${key}.pub`, '--checkpoint', cp, '--checkpoint', `${out}.receipt`, '--view', out]).code).toBe(2);
  });

  it('refuses --key without --out, with --events, with a bad key or over an existing receipt, writing nothing', () => {
    expectRefusal(cli(['export', '--format', 'json', '--key', key, ...at]), 2, /--key signs a receipt kept beside the exported file: give --out <file> \(nothing was written\)$/);
    expectRefusal(cli(['export', '--events', '--out', file('e.jsonl'), '--key', key, ...at]), 2, /--key signs a view's receipt; the raw log is signed by `minsheng checkpoint`/);
    expect(existsSync(file('e.jsonl'))).toBe(false);
    writeFileSync(file('bad.key'), 'not a key\n');
    expectRefusal(cli(['export', '--format', 'json', '--out', file('b.json'), '--key', file('bad.key'), ...at]), 2, /^minsheng: --key ".*bad\.key": /);
    expect(existsSync(file('b.json'))).toBe(false);
    const out = file('city.json');
    const before = readFileSync(out, 'utf8');
    expectRefusal(cli(['export', '--format', 'json', '--out', out, '--key', key, ...at]), 2, /--key: the receipt ".*city\.json\.receipt" exists already; nothing was written \(give --force to replace it\)$/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    // A fresh file name, but its receipt is there already: neither is written.
    writeFileSync(file('fresh.json.receipt'), 'kept\n');
    expectRefusal(cli(['export', '--format', 'json', '--out', file('fresh.json'), '--key', key, ...at]), 2, /exists already/);
    expect(existsSync(file('fresh.json'))).toBe(false);
    expect(readFileSync(file('fresh.json.receipt'), 'utf8')).toBe('kept\n');
  });
});
