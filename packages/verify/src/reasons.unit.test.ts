import { openCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint';
import { entryShapeFault, type LogEntry } from './entry';
import { checkKeyName, newSignerKey, parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from './keys';
import { LANGUAGES, type Message } from './language';
import { checkLog, isFault } from './log';
import { MESSAGES } from './messages';
import { checkConsistency, checkInclusion } from './proof';
import { REASONS, sayReason } from './reasons';
import { checkViewFile, receiptOf, viewReceipt } from './receipt';
import { chain } from './testing/chain';
import { unitSignatureChecker } from './unit-signatures';

const made = newSignerKey('harbin-ledger');
const signer = parseSignerKey(made.signer) as SignerKey;
const verifier = parseVerifierKey(made.verifier) as VerifierKey;
const log = chain(5);
const tree = checkLog(log);
if (isFault(tree)) throw new Error(tree.reason);
const cp = (size: number): Checkpoint => ({ origin: 'harbin-2024', size, root: tree.tree.root(size), time: '2025-01-05T02:00:00.000Z' });
const signed = signCheckpoint(cp(5), signer);
const [body, sigs] = signed.split('\n\n') as [string, string];
const reasonOf = (r: unknown): string => {
  if (typeof r !== 'string') throw new Error(`expected a reason, got ${JSON.stringify(r)}`);
  return r;
};
const logFault = (entries: readonly LogEntry[]): string => {
  const r = checkLog(entries);
  if (!isFault(r)) throw new Error('expected a fault');
  return r.reason;
};
const receipt = receiptOf({ signedBy: ['harbin-ledger'], text: '', ...viewReceipt(cp(5), { format: 'json', plan: 'harbin-2024', asOf: '2025-01-05', knownAt: '2025-01-05T02:00:00.000Z', sha256: '0'.repeat(64) }) });
const inclusion = { kind: 'inclusion', treeSize: 5, root: '', event: log[2]!, path: [] } as const;
const consistency = { kind: 'consistency', from: { size: 3, root: '' }, to: { size: 5, root: '' }, path: [] } as const;
const keyEvent = (type: string, data: Record<string, unknown>): LogEntry => ({ ...log[0]!, stream: 'ledger', type, data, metadata: {} });
const progress = (metadata: Record<string, unknown>): LogEntry => ({ ...log[0]!, metadata });

/**
 * Each reason as the library's own function writes it (literal only where a function needs a
 * whole signed ledger to reach it). A Record: a reason without a sample does not compile.
 */
const SAMPLES: Readonly<Record<keyof typeof REASONS, readonly string[]>> = {
  checkpointLines: [reasonOf(openCheckpoint('harbin-2024\n\n— x AAAA\n', [verifier]))],
  checkpointSize: [reasonOf(openCheckpoint(`${body.replace('\n5\n', '\nfive\n')}\n\n${sigs}`, [verifier]))],
  checkpointRoot: [reasonOf(openCheckpoint(`${body.split('\n').map((l, i) => (i === 2 ? 'abc' : l)).join('\n')}\n\n${sigs}`, [verifier]))],
  checkpointTime: [reasonOf(openCheckpoint(`${body.replace(/time .*/, 'time soon')}\n\n${sigs}`, [verifier]))],
  notSignedNote: [reasonOf(openCheckpoint(body, [verifier]))],
  signatureLinesEnd: [reasonOf(openCheckpoint(signed.trimEnd(), [verifier]))],
  signatureLine: [reasonOf(openCheckpoint(`${body}\n\nnot a signature\n`, [verifier]))],
  signatureShort: [reasonOf(openCheckpoint(`${body}\n\n— harbin-ledger AAAA\n`, [verifier]))],
  signatureBad: [reasonOf(openCheckpoint(signed.replace('\n5\n', '\n4\n'), [verifier]))],
  noSignature: [reasonOf(openCheckpoint(signed, [])), reasonOf(openCheckpoint(signed.replace(/— harbin-ledger \S+/, `— other ${Buffer.alloc(68).toString('base64')}`), [verifier]))],
  none: ['none'],
  keyNameEmpty: [reasonOf(checkKeyName(''))],
  keyName: [reasonOf(checkKeyName('has space'))],
  keyNotBase64: [reasonOf(parseVerifierKey('harbin-ledger+00000000+!!'))],
  keyNotEd25519: [reasonOf(parseVerifierKey(`harbin-ledger+00000000+${Buffer.concat([Buffer.from([2]), Buffer.alloc(32)]).toString('base64')}`))],
  verifierKeyForm: [reasonOf(parseVerifierKey('harbin'))],
  signerKeyForm: [reasonOf(parseSignerKey('harbin'))],
  keyIdDiffers: [reasonOf(parseVerifierKey(made.verifier.replace(/\+[0-9a-f]{8}\+/, '+00000000+')))],
  proofTreeSize: [reasonOf(checkInclusion({ ...inclusion, treeSize: 4 }, cp(5)))],
  proofPath: [reasonOf(checkInclusion({ ...inclusion, path: ['x'] }, cp(5)))],
  proofHashVersion: [reasonOf(checkInclusion({ ...inclusion, event: { ...log[2]!, hashVersion: 9 } }, cp(5)))],
  proofPosition: [reasonOf(checkInclusion({ ...inclusion, event: { ...log[2]!, position: 0 } }, cp(5)))],
  notIncluded: [reasonOf(checkInclusion(inclusion, cp(5)))],
  proofSizes: [reasonOf(checkConsistency(consistency, cp(2), cp(5)))],
  notExtension: [reasonOf(checkConsistency(consistency, cp(3), cp(5)))],
  notReceipt: [reasonOf(receiptOf({ signedBy: ['harbin-ledger'], text: '', ...cp(5) }))],
  viewAltered: [typeof receipt === 'string' ? receipt : reasonOf(checkViewFile(receipt, Buffer.from('{}')))],
  positionMissing: [logFault([log[0]!, log[2]!])],
  prevHash: [logFault([log[0]!, { ...log[1]!, prevHash: log[0]!.prevHash }])],
  hashVersionBack: [logFault([log[0]!, { ...log[1]!, hashVersion: 1 }])],
  hashVersion: [logFault([{ ...log[0]!, hashVersion: 9 }])],
  hashDiffers: [logFault([{ ...log[0]!, data: { value: '9' } }])],
  notObject: [reasonOf(entryShapeFault([1]))],
  field: [reasonOf(entryShapeFault({ ...log[0]!, hash: 1 }))],
  wholeFrom1: [reasonOf(entryShapeFault({ ...log[0]!, position: 0 }))],
  wholeFrom0: [reasonOf(entryShapeFault({ ...log[0]!, revision: -1 }))],
  whole: [reasonOf(entryShapeFault({ ...log[0]!, schemaVersion: 'one' }))],
  string: [reasonOf(entryShapeFault({ ...log[0]!, stream: 1 }))],
  stringOrNull: [reasonOf(entryShapeFault({ ...log[0]!, storedAt: 1 }))],
  present: [reasonOf(entryShapeFault({ ...log[0]!, data: undefined }))],
  signedAlready: ['signed mode is on already'],
  otherAdmin: [reasonOf(unitSignatureChecker(verifier).add(keyEvent('SigningEnabled', { adminKey: 'x' })))],
  keyEventOff: [reasonOf(unitSignatureChecker(verifier).add(keyEvent('UnitKeyRegistered', {})))],
  adminSignature: [reasonOf(unitSignatureChecker(verifier).add(keyEvent('SigningEnabled', { adminKey: made.verifier })))],
  registeredKey: ['its key does not match key id 0a1b2c3d'],
  unsigned: ['recorded in signed mode without a signature'],
  keyNotRegistered: [reasonOf(unitSignatureChecker(verifier).add(progress({ signature: { keyId: '0a1b2c3d', unit: '市住建局', signature: '' } })))],
  otherUnitKey: ["its key is 市住建局's, not the acting unit's"],
  unitSignature: ['its unit signature does not verify'],
  replayed: ['replayed: its signature was already used at position 1769 (a signature is accepted once)'],
  signatures: [unitSignatureChecker(verifier).summary(), '1 signed report, correction or retraction verify against their units\' keys; 0 unsigned (recorded while signed mode was off)'],
};

const texts = (m: Message, lang: (typeof LANGUAGES)[number]): string[] => {
  const t = m[lang];
  return typeof t === 'string' ? [t] : [t.one, t.other].filter((x): x is string => x !== undefined);
};
const names = (text: string): string => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!))].sort().join();

describe("minsheng-verify's catalogue", () => {
  const all: [string, Message][] = [...Object.entries(MESSAGES), ...Object.entries(REASONS)];

  it('has every message in both languages, with text and the same placeholders in every form', () => {
    const bad = all.filter(([, m]) => {
      const forms = LANGUAGES.flatMap((lang) => texts(m, lang));
      return forms.some((t) => !t.trim()) || new Set(forms.map(names)).size !== 1 || LANGUAGES.some((lang) => texts(m, lang).length === 0);
    });
    expect(bad.map(([k]) => k)).toEqual([]);
  });

  it.each(Object.entries(SAMPLES))('gives the library reason %s back word for word in English, and says it in Chinese', (key, samples) => {
    // The longest fixed part of the reason's Chinese text: the sample was said by this reason, not another.
    const own = texts(REASONS[key as keyof typeof REASONS], 'zh-CN')[0]!.split(/\{\w+\}/).sort((a, b) => b.length - a.length)[0]!;
    for (const sample of samples) {
      expect(sayReason('en', sample)).toBe(sample);
      const zh = sayReason('zh-CN', sample);
      expect(zh).toContain(own);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('says a nested reason and its words in Chinese too, and keeps a sentence it does not know', () => {
    expect(sayReason('zh-CN', 'its "hash" is not a string')).toBe('其“hash”不是字符串');
    expect(sayReason('zh-CN', 'it has no signature by a key given (none)')).toBe('它没有所给密钥（无）的签名');
    expect(sayReason('zh-CN', SAMPLES.signatures[1]!)).toBe('1 个已签名的上报、更正或撤回均通过其单位密钥的核验；0 个未签名（在签名模式关闭时记录）');
    expect(sayReason('zh-CN', 'something new went wrong')).toBe('something new went wrong');
  });
});
