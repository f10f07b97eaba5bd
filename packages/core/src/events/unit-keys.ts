import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 verifier keys in the C2SP signed-note encoding, `name+keyid+base64(0x01 ‖ public key)`,
 * with the key id the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). The same
 * encoding as @minsheng/verify's keys.ts, read here again because that package depends on
 * nothing of the ledger and the ledger checks signatures before it writes (the CLI's signed
 * e2e test signs with that package and verifies with this one). Node's crypto does the work.
 */
export interface UnitVerifierKey {
  readonly name: string;
  /** 8 lower-case hex digits. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly text: string;
}

/** Parses a verifier key; a string says what is wrong with it. */
export const parseUnitVerifierKey = (text: string): UnitVerifierKey | string => {
  const parts = text.trim().split('+');
  if (parts.length < 3) return 'a verifier key is name+keyid+key';
  const [name, id] = parts as [string, string];
  const body = parts.slice(2).join('+');
  if (!name || /[\s\u0000-\u001f\u007f]/u.test(name)) return `key name ${JSON.stringify(name)} may not be empty or hold spaces or control characters`;
  const raw = Buffer.from(body, 'base64');
  if (raw.toString('base64') !== body) return 'its key is not base64';
  if (raw.length !== 33 || raw[0] !== 0x01) return 'it is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)';
  const keyId = createHash('sha256').update(name).update('\n').update(raw).digest().subarray(0, 4).toString('hex');
  if (keyId !== id) return `its key id ${id} does not match its key (${keyId})`;
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') }, format: 'jwk' });
  return { name, keyId, publicKey, text: text.trim() };
};

/** Whether `signature` (base64) is the key's Ed25519 signature of `content` (UTF-8). */
export const verifiesContent = (key: UnitVerifierKey, content: string, signature: string): boolean => {
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 && verify(null, Buffer.from(content, 'utf8'), key.publicKey, bytes);
};
