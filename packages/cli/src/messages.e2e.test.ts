import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, MAIN, openSqlite, ROOT, SEED, tempDir, TEST_LANG } from './testing/run-cli';

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--value', '12', '--as-of', '2024-09-30'];

describe('messages: one line for each bad input, and no stack traces', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];
  const events = (): number => {
    const f = openSqlite(db);
    try {
      return (f.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      f.close();
    }
  };

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
    expect(cli([...REPORT, '--responsible-unit', '市妇联', ...at, '--now', OCT]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it.each([
    ['--person', ['--responsible-unit', '市妇联', '--person', '']],
    ['--source', ['--responsible-unit', '市妇联', '--source', '']],
    ['--document', ['--responsible-unit', '市妇联', '--document', ' ']],
    ['--responsible-unit', ['--responsible-unit', '']],
  ])('an empty %s is refused with exit 2 and one line quoting it; nothing is written', (option, args) => {
    const before = events();
    expectRefusal(cli([...REPORT, ...args, ...at, '--now', OCT]), 2, new RegExp(`^minsheng: option '${option} <\\w+>' argument '\\s*' is invalid\\. It must not be empty`));
    expect(events()).toBe(before);
  });

  it('an empty --reason on correct and retract is refused the same way', () => {
    for (const command of ['correct', 'retract'])
      expectRefusal(cli([command, '01J92WWJ80FBW41S5MCAYVJ451', '--reason', '', '--responsible-unit', '市妇联', ...at, '--now', OCT]), 2, /^minsheng: option '--reason <text>' argument '' is invalid\. It must not be empty/);
  });

  it('a time past year 9998 gets a sane message, not "+010000-01 is not a date"', () => {
    expectRefusal(cli(['status', ...at, '--now', '9999-12-31T23:59:59Z']), 2, /^minsheng: --now: "9999-12-31T23:59:59Z" is out of range: give a time from 1970 to 9998$/);
    expectRefusal(cli(['status', ...at, '--known-at', '9999-12-31T23:59:59-12:00']), 2, /^minsheng: option '--known-at <time>' argument '9999-12-31T23:59:59-12:00' is invalid\. It must be a time from 1970 to 9998\.$/);
  });

  it('piped into head, a command stops quietly: exit 0, nothing on stderr', () => {
    // ~400 KB of JSON: far more than a pipe holds, so the CLI is still writing when head exits.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${MAIN}" export --group-by district --format json --db "${db}" --now "${OCT}" | head -1`], { encoding: 'utf8', cwd: ROOT });
    expect(r.stdout).toBe('{\n');
    expect(r.stderr).toBe('');
  });

  it('audit of a place outside the metric\'s places is refused, naming the places', () => {
    expectRefusal(
      cli(['audit', '--task', '5', '--metric', 't05-county-integrated-training', '--place', '道里区', ...at, '--now', OCT]),
      2,
      /^minsheng: --place "道里区": metric t05-county-integrated-training is reported for 宾县、五常市、通河县 only \(or the city's figure that adds them up\)$/,
    );
    expectRefusal(cli(['audit', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '火星', ...at, '--now', OCT]), 2, /^minsheng: --place "火星" is not a place of the plan$/);
  });

  it('a dropped rm_checkpoints table says to run minsheng rebuild; the rebuild mends it', () => {
    const copy = join(tmp.dir, 'damaged.db');
    copyFileSync(db, copy);
    const f = openSqlite(copy);
    f.exec('DROP TABLE rm_checkpoints');
    f.close();
    expectRefusal(cli(['status', '--db', copy, '--now', OCT]), 1, /^minsheng: the read model is damaged \(.*\); rebuild it from the events with `minsheng rebuild` \(nothing in the log is lost\)$/);
    expect(cli(['rebuild', '--db', copy]).code).toBe(0);
    expect(cli(['status', '--db', copy, '--now', OCT]).code).toBe(0);
  });

  it('status, verify, audit, plan show and export read a read-only copy (a 444 file in a 555 folder) without changing it; writers are refused', () => {
    const folder = join(tmp.dir, 'evidence');
    mkdirSync(folder);
    const copy = join(folder, 'ledger.db');
    copyFileSync(db, copy);
    chmodSync(copy, 0o444);
    chmodSync(folder, 0o555);
    chmodSync(tmp.dir, 0o755);
    const before = readFileSync(copy);
    // Root writes through file modes: run the CLI as nobody, whom the modes bind.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args, '--db', copy, '--now', OCT], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...TEST_LANG }, ...asUser });
    for (const args of [['status'], ['verify'], ['plan', 'show'], ['export', '--format', 'json'], ['audit', '--task', '3', '--metric', 't03-child-friendly-communities']]) {
      const r = run(args);
      expect({ args, code: r.status, stderr: r.stderr.replace(/^verify: .*\n/, '') }).toEqual({ args, code: 0, stderr: '' });
    }
    const write = run([...REPORT, '--responsible-unit', '市妇联']);
    expect(write.status).toBe(1);
    expect(write.stderr).toMatch(/^minsheng: the ledger at .*ledger\.db cannot be written by this process \(the file or its folder is read-only\), and this command writes to it;/);
    expect(readFileSync(copy).equals(before)).toBe(true);
    chmodSync(folder, 0o755);
  });
});
