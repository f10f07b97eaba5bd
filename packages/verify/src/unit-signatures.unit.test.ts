import { canonicalJson } from './canonical';
import type { LogEntry } from './entry';
import { newSignerKey, parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from './keys';
import { signWith } from './sign-content';
import { unitSignatureChecker } from './unit-signatures';

const signer = (name: string): { signer: SignerKey; verifier: VerifierKey } => {
  const k = newSignerKey(name);
  return { signer: parseSignerKey(k.signer) as SignerKey, verifier: parseVerifierKey(k.verifier) as VerifierKey };
};

/** A log made as the ledger writes one: key events on the ledger stream, signed over their sequence. */
const logOf = () => {
  const admin = signer('admin');
  const unit = signer('housing-2024');
  const entries: LogEntry[] = [];
  let revision = 0;
  const add = (stream: string, type: string, data: unknown, metadata: Record<string, unknown>): LogEntry => {
    const e: LogEntry = { position: entries.length + 1, stream, revision: stream === 'ledger' ? revision++ : 0, eventId: `E${entries.length + 1}`, type, schemaVersion: 1, data, metadata, hashVersion: 2, prevHash: '', hash: '' };
    entries.push(e);
    return e;
  };
  const keyEvent = (type: string, data: unknown, by = admin.signer) => {
    const content = `minsheng signed key event v1\n${canonicalJson({ type, data, sequence: revision })}`;
    const { keyId, signature } = signWith(by)(content);
    return add('ledger', type, data, { actor: { system: 'admin' }, signature: { keyId, signature } });
  };
  const report = (value: string, key: SignerKey | null = unit.signer) => {
    const data = { planId: 'p', task: 13, metric: 'm', place: 'daoli', asOf: '2024-09-30', figure: { kind: 'quantity', value, unit: '公里' } };
    const actor = { unit: 'housing' };
    const content = `minsheng signed progress v1\n${canonicalJson({ type: 'ProgressReported', data, actor })}`;
    return add('progress-m-daoli', 'ProgressReported', data, { actor, ...(key ? { signature: signWith(key, 'housing')(content) } : {}) });
  };
  return { admin, unit, entries, keyEvent, report };
};

const run = (admin: VerifierKey, entries: readonly LogEntry[]) => {
  const c = unitSignatureChecker(admin);
  for (const e of entries) {
    const bad = c.add(e);
    if (bad) return `position ${e.position}: ${bad}`;
  }
  return c.summary();
};

describe('unit signatures in an exported log', () => {
  it('verify through a rotation, and name the first event that fails', () => {
    const l = logOf();
    l.report('100', null);
    l.keyEvent('SigningEnabled', { adminKey: l.admin.verifier.text });
    l.keyEvent('UnitKeyRegistered', { unit: 'housing', key: l.unit.verifier.text, keyId: l.unit.verifier.keyId.toString('hex') });
    l.report('120');
    l.keyEvent('UnitKeyRevoked', { unit: 'housing', keyId: l.unit.verifier.keyId.toString('hex') });
    expect(run(l.admin.verifier, l.entries)).toBe("1 signed report, correction or retraction verify against their units' keys; 1 unsigned (recorded while signed mode was off)");
    // After the revocation the old key signs nothing.
    l.report('130');
    expect(run(l.admin.verifier, l.entries)).toMatch(/^position 6: its key [0-9a-f]{8} was not registered and unrevoked/);
  });

  it('refuses an altered figure, a missing signature in signed mode, another administrator, a key event signed by a unit', () => {
    const base = () => {
      const l = logOf();
      l.keyEvent('SigningEnabled', { adminKey: l.admin.verifier.text });
      l.keyEvent('UnitKeyRegistered', { unit: 'housing', key: l.unit.verifier.text, keyId: l.unit.verifier.keyId.toString('hex') });
      return l;
    };
    const altered = base();
    const r = altered.report('120');
    (r.data as { figure: { value: string } }).figure.value = '121';
    expect(run(altered.admin.verifier, altered.entries)).toBe('position 3: its unit signature does not verify');
    const missing = base();
    missing.report('120', null);
    expect(run(missing.admin.verifier, missing.entries)).toBe('position 3: recorded in signed mode without a signature');
    const other = base();
    expect(run(signer('other').verifier, other.entries)).toMatch(/^position 1: signed mode names an administrator key other than the pinned one/);
    // A signed report copied in again (Ed25519 gives the same signature): the first copy verifies, the second is named.
    const replayed = base();
    const original = replayed.report('120');
    replayed.report('110');
    replayed.entries.push({ ...original, position: 5, eventId: 'E5' });
    expect(run(replayed.admin.verifier, replayed.entries)).toBe('position 5: replayed: its signature was already used at position 3 (a signature is accepted once)');
    // The same content signed again by the unit's key is the same signature.
    const resigned = base();
    resigned.report('120');
    resigned.report('120');
    expect(run(resigned.admin.verifier, resigned.entries)).toBe('position 4: replayed: its signature was already used at position 3 (a signature is accepted once)');
    const byUnit = base();
    byUnit.keyEvent('SigningDisabled', {}, byUnit.unit.signer);
    expect(run(byUnit.admin.verifier, byUnit.entries)).toBe("position 3: the administrator's signature does not verify");
  });
});
