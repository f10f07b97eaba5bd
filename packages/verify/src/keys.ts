import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys in the C2SP signed-note encodings (Node's own crypto; nothing hand-written):
 * a verifier key is `name+keyid+base64(0x01 ‖ public key)`, a signer key
 * `PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`; the key id is the first four bytes of
 * SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
 */
const ED25519 = 0x01;

export interface VerifierKey {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: KeyObject;
  /** The verifier key string, as a .pub file holds it. */
  readonly text: string;
}

export interface SignerKey extends VerifierKey {
  readonly privateKey: KeyObject;
}

const b64url = (b: Buffer): string => b.toString('base64url');

/** Splits at the first `n - 1` '+' only: base64 key material may hold '+' itself. */
const fields = (text: string, n: number): string[] => {
  const parts = text.trim().split('+');
  return parts.length < n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join('+')];
};

/** A key name must be printable, without spaces or '+' (signed-note). */
export const checkKeyName = (name: string): string | null =>
  name.length === 0 ? 'a key name may not be empty'
  : /[\s+\u0000-\u001f\u007f]/u.test(name) ? `key name ${JSON.stringify(name)} may not hold spaces, '+' or control characters`
  : null;

export const keyIdOf = (name: string, rawPublic: Buffer): Buffer =>
  createHash('sha256').update(name).update('\n').update(Buffer.from([ED25519])).update(rawPublic).digest().subarray(0, 4);

const publicFromRaw = (raw: Buffer): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });

const verifierOf = (name: string, rawPublic: Buffer): VerifierKey => {
  const keyId = keyIdOf(name, rawPublic);
  return {
    name,
    keyId,
    publicKey: publicFromRaw(rawPublic),
    text: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), rawPublic]).toString('base64')}`,
  };
};

/** A new Ed25519 key pair: the signer key text (keep it secret) and its verifier key. */
export const newSignerKey = (name: string): { signer: string; verifier: string } => {
  const bad = checkKeyName(name);
  if (bad) throw new TypeError(bad);
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const v = verifierOf(name, pub);
  return { signer: `PRIVATE+KEY+${name}+${v.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`, verifier: v.text };
};

const decodeKey = (body: string): Buffer | string => {
  const raw = Buffer.from(body, 'base64');
  if (raw.toString('base64') !== body) return 'its key is not base64';
  if (raw.length !== 33 || raw[0] !== ED25519) return 'it is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)';
  return raw.subarray(1);
};

/** Parses a verifier key; a string says what is wrong. */
export const parseVerifierKey = (text: string): VerifierKey | string => {
  const parts = fields(text, 3);
  if (parts.length !== 3) return 'a verifier key is name+keyid+key';
  const [name, id, body] = parts as [string, string, string];
  const bad = checkKeyName(name);
  if (bad) return bad;
  const raw = decodeKey(body);
  if (typeof raw === 'string') return raw;
  const v = verifierOf(name, raw);
  if (v.keyId.toString('hex') !== id) return `its key id ${id} does not match its key (${v.keyId.toString('hex')})`;
  return v;
};

/** Parses a signer key; a string says what is wrong. */
export const parseSignerKey = (text: string): SignerKey | string => {
  const parts = fields(text, 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') return 'a signer key is PRIVATE+KEY+name+keyid+key';
  const [, , name, id, body] = parts as [string, string, string, string, string];
  const bad = checkKeyName(name);
  if (bad) return bad;
  const seed = decodeKey(body);
  if (typeof seed === 'string') return seed;
  // The public key follows from the seed: derive it through a PKCS#8 wrapping of the seed.
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const v = verifierOf(name, pub);
  if (v.keyId.toString('hex') !== id) return `its key id ${id} does not match its key (${v.keyId.toString('hex')})`;
  return { ...v, privateKey };
};

export const signBytes = (key: SignerKey, message: string): Buffer => sign(null, Buffer.from(message, 'utf8'), key.privateKey);
export const verifyBytes = (key: VerifierKey, message: string, signature: Buffer): boolean =>
  signature.length === 64 && verify(null, Buffer.from(message, 'utf8'), key.publicKey, signature);
