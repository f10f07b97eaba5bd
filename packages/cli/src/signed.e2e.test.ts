import { join } from 'node:path';
import { cli, json, SEED, tempDir, type CliResult } from './testing/run-cli';

/*
 * Issue 16, signed reports, through the CLI as a process: keys made by `keys new` (signed with
 * @minsheng/verify, checked by the ledger's own reading of the key), signed mode switched by the
 * administrator only, refusals exit 2 with one line and nothing written, rotation, and the audit
 * naming who signed each event.
 */

const JAN = '2024-01-02T09:00:00+08:00';
const OCT = '2024-10-01T10:00:00+08:00';
const NOV = '2024-11-01T10:00:00+08:00';
const REPORT = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--as-of', '2024-09-30', '--responsible-unit', '市妇联'];
const AUDIT = ['audit', '--task', '3', '--metric', 't03-child-friendly-communities', '--place', '道里区', '--history'];

describe('signed reports through the CLI', () => {
  const tmp = tempDir();
  const file = (name: string) => join(tmp.dir, name);
  const at = ['--db', file('ledger.db')];
  const run = (args: string[], now = OCT): CliResult => cli([...args, ...at, '--now', now]);
  const events = (): number => json<{ events: number }>(cli(['verify', '--json', ...at])).events;
  /** A refusal: exit 2, one line on stderr matching `reason`, and the log as long as before. */
  const refused = (args: string[], reason: RegExp, now = OCT) => {
    const before = events();
    const r = run(args, now);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(events()).toBe(before);
  };

  beforeAll(() => {
    expect(cli(['init', '--simulated', ...at, '--now', JAN]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at, '--now', JAN]).code).toBe(0);
    for (const [name, out] of [['harbin-admin', 'admin.key'], ['womens-federation-2024', 'fed.key'], ['ndrc-2024', 'ndrc.key'], ['womens-federation-2025', 'fed2.key']])
      expect(cli(['keys', 'new', name!, '--out', file(out!), '--responsible-unit', '市妇联']).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('switches signing on and registers keys only with the administrator key', () => {
    expect(run(['report', ...REPORT.slice(1), '--value', '10']).code).toBe(0);
    refused(['signing', 'on', '--admin-key', file('admin.key.pub'), '--admin', file('fed.key')], /^minsheng: the administrator's signature of SigningEnabled does not verify|must be signed by the administrator's key/);
    const on = run(['signing', 'on', '--admin-key', file('admin.key.pub'), '--admin', file('admin.key')]);
    expect(on.stdout).toMatch(/^signed mode is on at position \d+, administrator key [0-9a-f]{8}/);
    refused(['keys', 'register', '--responsible-unit', '市妇联', '--key', file('fed.key.pub'), '--admin', file('fed.key')], /KeyEvent|must be signed by the administrator's key [0-9a-f]{8}, not by key [0-9a-f]{8}; nothing was written/);
    refused(['keys', 'register', '--responsible-unit', '市妇联', '--key', file('fed.key'), '--admin', file('admin.key')], /it is a signer key \(secret\); give its verifier key/);
    expect(run(['keys', 'register', '--responsible-unit', '市妇联', '--key', file('fed.key.pub'), '--admin', file('admin.key')]).stdout).toMatch(/^registered key [0-9a-f]{8} for 市妇联 at position \d+/);
    expect(run(['keys', 'register', '--responsible-unit', '市发改委', '--key', file('ndrc.key.pub'), '--admin', file('admin.key')]).code).toBe(0);
  });

  it('refuses an unsigned report and another unit\'s signature, and records a signed one', () => {
    refused([...REPORT, '--value', '12'], /^minsheng: the ledger is in signed mode: a ProgressReported needs the signature of a registered key/);
    refused([...REPORT, '--value', '12', '--sign-with', file('ndrc.key')], /is 市发改委's, but the ProgressReported is by 市妇联; nothing was written/);
    refused([...REPORT, '--value', '12', '--sign-with', file('fed2.key')], /is not registered in the ledger/);
    const r = json(run([...REPORT, '--value', '12', '--sign-with', file('fed.key'), '--json']));
    const c = run(['correct', r.eventId, '--value', '13', '--reason', 'recount', '--responsible-unit', '市妇联', '--sign-with', file('fed.key')]);
    expect(c.code).toBe(0);
    // The first signed report submitted again after its correction: a signature is accepted once.
    refused([...REPORT, '--value', '12', '--sign-with', file('fed.key')], new RegExp(`^minsheng: this signed ProgressReported was already recorded at position ${r.position}; a signature is accepted once; nothing was written`));
    refused(['retract', r.eventId, '--reason', 'duplicate', '--responsible-unit', '市妇联'], /a ProgressRetracted needs the signature/);
  });

  it('rotates 市妇联\'s key: the old one signs nothing new, and the audit verifies every signed event', () => {
    const keys = json<{ keys: { name: string; keyId: string }[] }>(cli(['signing', 'status', '--json', ...at])).keys;
    const fedId = keys.find((k) => k.name === 'womens-federation-2024')!.keyId;
    expect(run(['keys', 'register', '--responsible-unit', '市妇联', '--key', file('fed2.key.pub'), '--admin', file('admin.key')], NOV).code).toBe(0);
    expect(run(['keys', 'revoke', '--responsible-unit', '市妇联', '--key-id', fedId, '--reason', 'rotated', '--admin', file('admin.key')], NOV).stdout).toMatch(`revoked key ${fedId} of 市妇联`);
    refused([...REPORT, '--value', '15', '--sign-with', file('fed.key')], new RegExp(`key ${fedId} of 市妇联 was revoked at position \\d+`), NOV);
    expect(run([...REPORT, '--value', '15', '--sign-with', file('fed2.key')], NOV).code).toBe(0);
    const status = cli(['signing', 'status', ...at]).stdout;
    expect(status).toMatch(new RegExp(`市妇联: key ${fedId} \\(womens-federation-2024\\), registered at position \\d+, ended at position \\d+`));
    const audit = run(AUDIT, NOV);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/Signatures: 3 of 4 events verified/);
    expect(audit.stdout).toMatch(/unsigned \(signed mode off\)/);
    expect((audit.stdout.match(/ 市妇联 +[0-9a-f]{8} +verified/g) ?? []).length).toBe(3);
    // The administrator key the auditor pinned: the right one passes, another fails the audit.
    expect(run([...AUDIT, '--admin-key', file('admin.key.pub')], NOV).code).toBe(0);
    const pinnedOther = run([...AUDIT, '--admin-key', file('fed2.key.pub')], NOV);
    expect(pinnedOther.code).toBe(3);
    expect(pinnedOther.stderr).toMatch(/signed mode from position \d+ names administrator key [0-9a-f]{8}, not the one given with --admin-key/);
  });

  it('switches signing off only with the administrator key; unsigned reports pass after it', () => {
    refused(['signing', 'off', '--admin', file('fed2.key')], /SigningDisabled must be signed by the administrator's key/, NOV);
    expect(run(['signing', 'off', '--reason', 'pilot over', '--admin', file('admin.key')], NOV).stdout).toMatch(/^signed mode is off at position \d+/);
    expect(run([...REPORT, '--value', '16'], NOV).code).toBe(0);
    expect(cli(['signing', 'status', ...at]).stdout).toMatch(/^signed mode is off/);
  });
});
