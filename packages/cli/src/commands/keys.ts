import { existsSync, writeFileSync } from 'node:fs';
import { checkKeyName, newSignerKey } from '@minsheng/verify';
import type { Command } from 'commander';
import { usage } from '../failure';
import { printLines } from '../output/print';
import { t } from '../language';

/** `minsheng keys new NAME --out FILE`: an Ed25519 signer key (mode 0600) and FILE.pub, its verifier key. */
export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description(t('help.cmd.keys'));
  const cmd = keys
    .command('new <name>')
    .description(t('help.cmd.keys.new'))
    .requiredOption('--out <file>', t('help.keys.out'));
  cmd.action((name: string) => {
    const out = cmd.opts().out as string;
    const bad = checkKeyName(name);
    if (bad) throw usage(`<name>: ${bad}`);
    for (const f of [out, `${out}.pub`]) if (existsSync(f)) throw usage(`--out: "${f}" exists already; nothing was written (a key is never replaced)`);
    const k = newSignerKey(name);
    writeFileSync(out, `${k.signer}\n`, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${out}.pub`, `${k.verifier}\n`, { flag: 'wx' });
    printLines([`wrote the signer key ${name} to ${out} (keep it secret) and its verifier key to ${out}.pub:`, k.verifier]);
  });
};
