import { existsSync, writeFileSync } from 'node:fs';
import type { KeyEventRecorded } from '@minsheng/ledger';
import { checkKeyName, newSignerKey, parseVerifierKey, signWith } from '@minsheng/verify';
import { Option, type Command } from 'commander';
import { unwrap, usage } from '../failure';
import { readText } from '../key-files';
import { printJson, printLines } from '../output/print';
import { nonEmpty } from '../parse';
import { t } from '../language';
import { keyReason } from '../refusals';
import { planIdOf, planOption } from './plan-option';
import { signerKeyFile } from './sign-option';
import { ledgerCommand, runOf } from './shared';
import { renamedOption } from './renamed-option';

/** A verifier key file (.pub), as its text; a signer key file is refused here: a unit's secret never enters the ledger's host by mistake. */
export const verifierKeyText = (option: string, file: string): string => {
  const text = readText(option, file).trim();
  const k = parseVerifierKey(text);
  if (typeof k === 'string') throw usage(t('signing.badVerifierKey', { option, file, reason: text.startsWith('PRIVATE+KEY+') ? t('signing.secretNotPublic') : k }));
  return k.text;
};

/** The administrator's signer, from the signer key file given to --admin. */
export const adminSigner = (file: string) => signWith(signerKeyFile('--admin', file));

export const printKeyEvent = (json: boolean, r: KeyEventRecorded, line: string): void => (json ? printJson(r) : printLines([line]));

/** --responsible-unit, the unit a key is for (the old --unit still works: renamed-option.ts). */
const unitOption = (cmd: Command, help: 'help.keys.unit' | 'help.keys.register.unit', required: boolean): Command =>
  renamedOption(cmd, { option: new Option('--responsible-unit <unit>', t(help)).argParser(nonEmpty), old: '--unit <unit>', argParser: nonEmpty, required });

/** `minsheng keys new NAME --out FILE [--responsible-unit U]`, `keys register`, `keys revoke`. */
export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description(t('help.cmd.keys'));
  const cmd = keys
    .command('new <name>')
    .description(t('help.cmd.keys.new'))
    .requiredOption('--out <file>', t('help.keys.out'));
  unitOption(cmd, 'help.keys.unit', false);
  cmd.action((name: string) => {
    const { out, responsibleUnit: unit } = cmd.opts<{ out: string; responsibleUnit?: string }>();
    const bad = checkKeyName(name);
    if (bad) throw usage(t('keys.badName', { reason: keyReason(bad) }));
    for (const f of [out, `${out}.pub`]) if (existsSync(f)) throw usage(t('keys.outExists', { file: f }));
    const k = newSignerKey(name);
    writeFileSync(out, `${k.signer}\n`, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${out}.pub`, `${k.verifier}\n`, { flag: 'wx' });
    printLines([
      t('keys.wrote', { name, out }),
      k.verifier,
      ...(unit !== undefined ? [t('keys.registerNext', { unit, pub: `${out}.pub` })] : []),
    ]);
  });

  const register = unitOption(planOption(ledgerCommand(keys, 'register', t('help.cmd.keys.register'))), 'help.keys.register.unit', true)
    .requiredOption('--key <file>', t('help.keys.register.key'), nonEmpty)
    .requiredOption('--admin <keyfile>', t('help.signing.admin'), nonEmpty);
  register.action(async () => {
    const o = register.opts<{ responsibleUnit: string; key: string; admin: string }>();
    const run = runOf(register);
    const key = verifierKeyText('--key', o.key);
    const admin = adminSigner(o.admin);
    const r = await run.ledger((l) => unwrap(l.ledger.registerKey({ ...planIdOf(register), unit: o.responsibleUnit, key, admin })));
    printKeyEvent(run.json, r, t('keys.registered', { keyId: r.keyId, unit: o.responsibleUnit, position: r.position }));
  });

  const revoke = unitOption(planOption(ledgerCommand(keys, 'revoke', t('help.cmd.keys.revoke'))), 'help.keys.register.unit', true)
    .requiredOption('--key-id <id>', t('help.keys.revoke.key-id'), nonEmpty)
    .option('--reason <text>', t('help.keys.revoke.reason'), nonEmpty)
    .requiredOption('--admin <keyfile>', t('help.signing.admin'), nonEmpty);
  revoke.action(async () => {
    const o = revoke.opts<{ responsibleUnit: string; keyId: string; reason?: string; admin: string }>();
    const run = runOf(revoke);
    const admin = adminSigner(o.admin);
    const r = await run.ledger((l) =>
      unwrap(l.ledger.revokeKey({ ...planIdOf(revoke), unit: o.responsibleUnit, keyId: o.keyId, ...(o.reason !== undefined ? { reason: o.reason } : {}), admin })),
    );
    printKeyEvent(run.json, r, t('keys.revoked', { keyId: r.keyId, unit: o.responsibleUnit, position: r.position }));
  });
};


