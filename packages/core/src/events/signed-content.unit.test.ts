import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { isRight } from 'fp-ts/Either';
import { ledgerRegistry } from './upcasting';
import { keyEventSignedContent, progressSignedContent } from './signed-content';
import { parseUnitVerifierKey, verifiesContent } from './unit-keys';

const report = {
  type: 'ProgressReported' as const,
  data: { planId: 'harbin-2024', task: 3, metric: 't03-child-friendly-communities', place: 'daoli', asOf: '2024-09-30', figure: { kind: 'quantity', value: '12', unit: '个' } },
  metadata: { actor: { unit: 'womens-federation', person: '王芳' }, source: { document: '哈妇联〔2024〕12号' }, recordedAt: '2024-10-01T02:00:00.000Z', correlationId: 'c-1' },
};

const keyPair = (name: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const body = Buffer.concat([Buffer.from([1]), Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')]);
  const id = createHash('sha256').update(name).update('\n').update(body).digest().subarray(0, 4).toString('hex');
  return { text: `${name}+${id}+${body.toString('base64')}`, id, sign: (c: string) => sign(null, Buffer.from(c, 'utf8'), privateKey).toString('base64') };
};

describe('what a unit signs', () => {
  it('is the event type, data, actor and source as canonical JSON, after a line naming the kind', () => {
    expect(progressSignedContent(report)).toBe(
      'minsheng signed progress v1\n' +
        '{"actor":{"person":"王芳","unit":"womens-federation"},"data":{"asOf":"2024-09-30","figure":{"kind":"quantity","unit":"个","value":"12"},' +
        '"metric":"t03-child-friendly-communities","place":"daoli","planId":"harbin-2024","task":3},"source":{"document":"哈妇联〔2024〕12号"},"type":"ProgressReported"}',
    );
  });

  it('leaves out what the ledger sets (recorded time, ids) and covers everything the unit asserts', () => {
    const base = progressSignedContent(report);
    expect(progressSignedContent({ ...report, metadata: { ...report.metadata, recordedAt: '2030-01-01T00:00:00Z', correlationId: 'other' } } as typeof report)).toBe(base);
    const changed = [
      { ...report, data: { ...report.data, place: 'nangang' } },
      { ...report, data: { ...report.data, asOf: '2024-09-29' } },
      { ...report, data: { ...report.data, figure: { ...report.data.figure, value: '13' } } },
      { ...report, metadata: { ...report.metadata, actor: { unit: 'ndrc' } } },
      { ...report, metadata: { ...report.metadata, source: { document: 'other' } } },
      { ...report, type: 'ProgressCorrected' as const },
    ];
    for (const c of changed) expect(progressSignedContent(c)).not.toBe(base);
  });

  it('binds a key event to its place in the ledger stream and is never a progress content', () => {
    const data = { unit: 'womens-federation', key: 'k', keyId: '0a0b0c0d' };
    expect(keyEventSignedContent({ type: 'UnitKeyRegistered', data }, 3)).toBe(
      'minsheng signed key event v1\n{"data":{"key":"k","keyId":"0a0b0c0d","unit":"womens-federation"},"sequence":3,"type":"UnitKeyRegistered"}',
    );
    expect(keyEventSignedContent({ type: 'UnitKeyRegistered', data }, 4)).not.toBe(keyEventSignedContent({ type: 'UnitKeyRegistered', data }, 3));
  });
});

describe('unit verifier keys', () => {
  it('verify their own signature of the content, and nothing altered', () => {
    const k = keyPair('womens-federation-2024');
    const key = parseUnitVerifierKey(k.text);
    if (typeof key === 'string') throw new Error(key);
    expect(key.keyId).toBe(k.id);
    const content = progressSignedContent(report);
    const s = k.sign(content);
    expect(verifiesContent(key, content, s)).toBe(true);
    expect(verifiesContent(key, content.replace('"12"', '"13"'), s)).toBe(false);
    expect(verifiesContent(key, content, s.slice(0, -4))).toBe(false);
    const other = parseUnitVerifierKey(keyPair('other').text);
    if (typeof other === 'string') throw new Error(other);
    expect(verifiesContent(other, content, s)).toBe(false);
  });

  it('are refused with a reason when malformed', () => {
    const k = keyPair('unit-a');
    expect(parseUnitVerifierKey('nothing')).toBe('a verifier key is name+keyid+key');
    expect(parseUnitVerifierKey(k.text.replace(k.id, '00000000'))).toMatch(/^its key id 00000000 does not match its key/);
    expect(parseUnitVerifierKey(`unit-a+${k.id}+AAAA`)).toMatch(/not an Ed25519 key/);
  });
});

describe('the signature in the metadata', () => {
  const event = (signature: unknown) => ({
    eventId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    type: 'ProgressReported',
    schemaVersion: 2,
    data: report.data,
    metadata: { actor: report.metadata.actor, recordedAt: report.metadata.recordedAt, correlationId: 'c-1', signature },
  });
  it('is accepted in its form, and a malformed one is refused naming the field', () => {
    const good = { keyId: '0a0b0c0d', unit: 'womens-federation', signature: `${'A'.repeat(86)}==` };
    expect(isRight(ledgerRegistry.checkNew(event(good) as never))).toBe(true);
    const bad = ledgerRegistry.checkNew(event({ ...good, signature: 'short' }) as never);
    expect(bad).toMatchObject({ left: { path: 'metadata.signature.signature', reason: 'must be an Ed25519 signature: 64 bytes in base64' } });
    expect(ledgerRegistry.checkNew(event({ ...good, extra: 1 }) as never)).toMatchObject({ _tag: 'Left' });
  });
});
