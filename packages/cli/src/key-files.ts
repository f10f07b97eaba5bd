import { readFileSync } from 'node:fs';
import { parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from '@minsheng/verify';
import { failed, usage } from './failure';

const read = (option: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw failed(`${option}: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
};

/** A signer key file made by `minsheng keys new`. */
export const signerKeyOf = (file: string | undefined): SignerKey => {
  if (!file) throw usage('--key: give the signer key file made by `minsheng keys new` (or set $MINSHENG_KEY)');
  const k = parseSignerKey(read('--key', file));
  if (typeof k === 'string') throw usage(`--key "${file}": ${k}`);
  return k;
};

/** A verifier key: a .pub file, or the signer key file (its verifier key follows from it). */
export const verifierKeyOf = (file: string | undefined): VerifierKey => {
  if (!file) throw usage('--key: give the verifier key (.pub) of the key that signed the checkpoint');
  const text = read('--key', file);
  const k = text.startsWith('PRIVATE+KEY+') ? parseSignerKey(text) : parseVerifierKey(text);
  if (typeof k === 'string') throw usage(`--key "${file}": ${k}`);
  return k;
};

export const readText = read;
