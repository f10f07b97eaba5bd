import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Ed25519 keys for the signing tests, made with Node's crypto in the C2SP encoding the ledger
 * reads (@minsheng/verify makes them for users; this package does not depend on it). Test-only.
 */
export interface TestKey {
  readonly text: string;
  readonly keyId: string;
  /** A signer for the ledger: signs the content it is shown, naming `unit` if given. */
  signer(unit?: string): (content: string) => { keyId: string; unit?: string; signature: string };
}

export const testKey = (name: string): TestKey => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const body = Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')]);
  const keyId = createHash('sha256').update(name).update('\n').update(body).digest().subarray(0, 4).toString('hex');
  return {
    text: `${name}+${keyId}+${body.toString('base64')}`,
    keyId,
    signer: (unit) => (content) => ({ keyId, ...(unit !== undefined ? { unit } : {}), signature: sign(null, Buffer.from(content, 'utf8'), privateKey).toString('base64') }),
  };
};
