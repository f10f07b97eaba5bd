import { openCheckpoint, signCheckpoint, type SignedCheckpoint } from './checkpoint';
import { newSignerKey, parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from './keys';
import { checkViewFile, receiptOf, viewReceipt } from './receipt';
import { sha256Hex } from './canonical';

const k = newSignerKey('harbin-ledger');
const signer = parseSignerKey(k.signer) as SignerKey;
const verifier = parseVerifierKey(k.verifier) as VerifierKey;
const log = { origin: 'harbin-ledger', size: 1595, root: Buffer.alloc(32, 3), time: '2025-01-05T02:00:00.000Z' };
const file = Buffer.from('{"rows":[]}\n');
const view = { format: 'json', plan: 'harbin-2024', asOf: '2025-01-01', knownAt: '2025-01-05T02:00:00.000Z', sha256: sha256Hex(file) };

describe('a view receipt', () => {
  it('is a checkpoint whose signed text also names the view, and opens back to it', () => {
    const text = signCheckpoint(viewReceipt(log, view), signer);
    expect(text.split('\n').slice(3, 9)).toEqual(['time 2025-01-05T02:00:00.000Z', 'view json', 'plan harbin-2024', 'as-of 2025-01-01', 'known-at 2025-01-05T02:00:00.000Z', `sha256 ${view.sha256}`]);
    const opened = openCheckpoint(text, [verifier]) as SignedCheckpoint;
    expect(opened).toMatchObject({ size: 1595, time: log.time });
    expect(receiptOf(opened)).toEqual(view);
    expect(checkViewFile(view, file)).toBeNull();
    expect(checkViewFile(view, Buffer.from('{"rows":[1]}\n'))).toMatch(/: the file was altered or is another export$/);
  });

  it('refuses a field of more than one word, and a plain checkpoint is no receipt', () => {
    expect(() => viewReceipt(log, { ...view, plan: 'harbin 2024' })).toThrow('a receipt\'s plan is one word, not "harbin 2024"');
    expect(() => signCheckpoint({ ...log, extensions: ['time 2024'] }, signer)).toThrow(/other than its time/);
    const plain = openCheckpoint(signCheckpoint(log, signer), [verifier]) as SignedCheckpoint;
    expect(receiptOf(plain)).toBe('it is a checkpoint, not a view\'s receipt (no "view", "plan", "as-of", "known-at", "sha256" line)');
    const bad = openCheckpoint(signCheckpoint(viewReceipt(log, { ...view, sha256: 'abc' }), signer), [verifier]) as SignedCheckpoint;
    expect(receiptOf(bad)).toBe('its sha256 line "abc" is not 64 hex digits');
  });
});
