import { openCheckpoint, signCheckpoint } from './checkpoint';
import { newSignerKey, parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from './keys';

const pair = (name: string): { signer: SignerKey; verifier: VerifierKey } => {
  const k = newSignerKey(name);
  return { signer: parseSignerKey(k.signer) as SignerKey, verifier: parseVerifierKey(k.verifier) as VerifierKey };
};
const cp = { origin: 'harbin-2024', size: 1598, root: Buffer.alloc(32, 7), time: '2025-01-05T02:00:00.000Z' };

describe('checkpoints as signed notes', () => {
  const { signer, verifier } = pair('harbin-ledger');

  it('writes the tlog-checkpoint text and opens it with the verifier key', () => {
    const text = signCheckpoint(cp, signer);
    expect(text.split('\n').slice(0, 5)).toEqual(['harbin-2024', '1598', Buffer.alloc(32, 7).toString('base64'), 'time 2025-01-05T02:00:00.000Z', '']);
    expect(text).toMatch(/\n— harbin-ledger [A-Za-z0-9+/]+=*\n$/u);
    const opened = openCheckpoint(text, [verifier]);
    expect(opened).toMatchObject({ ...cp, signedBy: ['harbin-ledger'] });
  });

  it('refuses a checkpoint whose size, root or time was changed', () => {
    const text = signCheckpoint(cp, signer);
    for (const forged of [text.replace('\n1598\n', '\n1597\n'), text.replace('time 2025', 'time 2024'), text.replace(cp.root.toString('base64'), Buffer.alloc(32, 8).toString('base64'))])
      expect(openCheckpoint(forged, [verifier])).toBe('the signature by harbin-ledger does not verify: the checkpoint was altered or not signed by that key');
  });

  it('refuses a checkpoint signed by another key of the same name, and one with no known signature', () => {
    const other = pair('harbin-ledger');
    expect(openCheckpoint(signCheckpoint(cp, other.signer), [verifier])).toBe('it has no signature by a key given (harbin-ledger)');
    expect(openCheckpoint('harbin-2024\n1\nAAAA\n', [verifier])).toBe('it is not a signed note (no blank line before its signatures)');
  });

  it('accepts a witness cosignature beside the ledger key, and refuses damaged keys', () => {
    const witness = pair('witness.example');
    const text = signCheckpoint(cp, signer);
    const cosigned = text + signCheckpoint(cp, witness.signer).split('\n\n')[1];
    expect(openCheckpoint(cosigned, [verifier, witness.verifier])).toMatchObject({ signedBy: ['harbin-ledger', 'witness.example'] });
    expect(parseVerifierKey(verifier.text.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toMatch(/^its key id 00000000 does not match its key/);
    for (let i = 0; i < 30; i++) expect(typeof parseSignerKey(newSignerKey('k').signer)).toBe('object');
    expect(parseVerifierKey('a+b')).toBe('a verifier key is name+keyid+key');
    expect(() => newSignerKey('has space')).toThrow("key name \"has space\" may not hold spaces, '+' or control characters");
  });
});
