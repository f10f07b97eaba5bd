import { readFileSync } from 'node:fs';
import { parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from '@minsheng/verify';
import { failure, refusal } from './failure';

const read = (option: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw failure('failure.cannotRead', { option, file, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
  }
};

/** A signer key file made by `minsheng keys new`. */
export const signerKeyOf = (file: string | undefined): SignerKey => {
  if (!file) throw refusal('usage.signerKeyMissing');
  const k = parseSignerKey(read('--key', file));
  if (typeof k === 'string') throw refusal('usage.keyRefused', { file, reason: k });
  return k;
};

/** A verifier key: a .pub file, or the signer key file (its verifier key follows from it). */
export const verifierKeyOf = (file: string | undefined): VerifierKey => {
  if (!file) throw refusal('usage.verifierKeyMissing');
  const text = read('--key', file);
  const k = text.startsWith('PRIVATE+KEY+') ? parseSignerKey(text) : parseVerifierKey(text);
  if (typeof k === 'string') throw refusal('usage.keyRefused', { file, reason: k });
  return k;
};

export const readText = read;
