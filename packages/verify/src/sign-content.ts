import { parseSignerKey, signBytes, type SignerKey } from './keys';

/** A signature as the ledger keeps it with an event: key id (8 hex digits), the signing unit, base64 Ed25519 signature. */
export interface ContentSignature {
  readonly keyId: string;
  readonly unit?: string;
  readonly signature: string;
}

/**
 * The signer a unit (or the plan administrator, without `unit`) hands the ledger: it signs the
 * exact content the ledger shows it (a report's canonical content, or a key event's) with the
 * key. A service holding the key signs at the unit's side; the ledger checks the result.
 */
export const signWith = (key: string | SignerKey, unit?: string): ((content: string) => ContentSignature) => {
  const k = typeof key === 'string' ? parseSignerKey(key) : key;
  if (typeof k === 'string') throw new TypeError(`signWith: the signer key: ${k}`);
  const keyId = k.keyId.toString('hex');
  return (content) => ({ keyId, ...(unit !== undefined ? { unit } : {}), signature: signBytes(k, content).toString('base64') });
};
