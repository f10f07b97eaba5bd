import { parseVerifierKey, verifyBytes, type VerifierKey } from '@minsheng/verify';

/**
 * A unit's or the administrator's Ed25519 verifier key in the C2SP signed-note encoding, as
 * @minsheng/verify reads it (one parser for the ledger and the independent verifier), with its
 * key id as the 8 hex digits events and messages name it by.
 */
export interface UnitVerifierKey extends Omit<VerifierKey, 'keyId'> {
  /** 8 lower-case hex digits. */
  readonly keyId: string;
  /** The key as verify reads it. */
  readonly key: VerifierKey;
}

/** Parses a verifier key; a string says what is wrong with it. */
export const parseUnitVerifierKey = (text: string): UnitVerifierKey | string => {
  const key = parseVerifierKey(text);
  return typeof key === 'string' ? key : { ...key, keyId: key.keyId.toString('hex'), key };
};

/** Whether `signature` (base64) is the key's Ed25519 signature of `content` (UTF-8). */
export const verifiesContent = (key: UnitVerifierKey, content: string, signature: string): boolean =>
  verifyBytes(key.key, content, Buffer.from(signature, 'base64'));
