import type { SignWith } from '@minsheng/ledger';
import { parseSignerKey, signWith, type SignerKey } from '@minsheng/verify';
import type { Command } from 'commander';
import { usage } from '../failure';
import { readText } from '../key-files';
import { t } from '../language';
import { nonEmpty } from '../parse';

/** A signer key file given to `option` (made by `minsheng keys new`). */
export const signerKeyFile = (option: string, file: string): SignerKey => {
  const k = parseSignerKey(readText(option, file));
  if (typeof k === 'string') throw usage(t('signing.badSignerKey', { option, file, reason: k }));
  return k;
};

/** `--sign-with KEYFILE`: a report, correction or retraction signed by the acting unit's key (signed mode). */
export const signOption = (cmd: Command): Command => cmd.option('--sign-with <keyfile>', t('help.sign-with'), nonEmpty);

/** The signer the ledger shows the event's content to, when --sign-with is given. */
export const signatureInput = (o: { signWith?: string }): { signature?: SignWith } =>
  o.signWith === undefined ? {} : { signature: signWith(signerKeyFile('--sign-with', o.signWith)) };
