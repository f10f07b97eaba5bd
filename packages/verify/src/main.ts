#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { openCheckpoint, type SignedCheckpoint } from './checkpoint';
import { parseVerifierKey, type VerifierKey } from './keys';
import { chooseLanguage, type Language } from './language';
import { translator, type Translate } from './messages';
import { checkConsistency, checkInclusion, type Proof } from './proof';
import { cannotRead, Exit, read } from './exit';
import { sayReason } from './reasons';
import { checkViewFile, receiptOf } from './receipt';
import { streamLog } from './stream-log';
import { unitSignatureChecker } from './unit-signatures';

const parseArgs = (t: Translate, argv: readonly string[]): Record<'key' | 'checkpoint' | 'log' | 'proof' | 'view' | 'admin-key', string[]> => {
  const out = { key: [] as string[], checkpoint: [] as string[], log: [] as string[], proof: [] as string[], view: [] as string[], 'admin-key': [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new Exit(0, t('usage'));
    const name = a.replace(/^--/, '') as keyof typeof out;
    if (!a.startsWith('--') || !(name in out)) throw new Exit(2, t('unknownArgument', { arg: JSON.stringify(a) }));
    const value = argv[++i];
    if (value === undefined) throw new Exit(2, t('needsFile', { option: a }));
    out[name].push(value);
  }
  if (out.key.length === 0) throw new Exit(2, t('giveKey'));
  if (out.checkpoint.length === 0 || out.checkpoint.length > 2) throw new Exit(2, t('giveCheckpoint'));
  if (out.log.length > 1 || out.proof.length > 1 || out.view.length > 1) throw new Exit(2, t('once'));
  if (out.log.length + out.proof.length + out.view.length === 0) throw new Exit(2, t('nothing'));
  if (out['admin-key'].length > 1 || (out['admin-key'].length && !out.log.length)) throw new Exit(2, t('adminKeyOnce'));
  if (out.view.length && out.checkpoint.length !== 1) throw new Exit(2, t('viewReceipt'));
  return out;
};

const hex = (b: Buffer): string => b.toString('hex');

/** Checks what argv names, printing each line that holds; throws an Exit for a no, a bad argument or a file it cannot read. */
export const run = async (argv: readonly string[], print: (line: string) => void, lang: Language = 'en'): Promise<number> => {
  const t = translator(lang);
  const why = (reason: string) => sayReason(lang, reason);
  const args = parseArgs(t, argv);
  const keys: VerifierKey[] = args.key.map((f) => {
    const k = parseVerifierKey(read(t, f));
    if (typeof k === 'string') throw new Exit(2, t('badKey', { option: '--key', file: f, reason: why(k) }));
    return k;
  });
  const checkpoints: SignedCheckpoint[] = args.checkpoint.map((f) => {
    const c = openCheckpoint(read(t, f), keys);
    if (typeof c === 'string') throw new Exit(3, t('checkpointNo', { file: f, reason: why(c) }));
    print(t('checkpointYes', { file: f, names: c.signedBy.join(', '), size: c.size, root: hex(c.root), time: c.time }));
    return c;
  });
  checkpoints.sort((a, b) => a.size - b.size);

  if (args.view[0]) {
    const file = args.view[0];
    const receipt = receiptOf(checkpoints[0]!);
    if (typeof receipt === 'string') throw new Exit(3, t('checkpointNo', { file: args.checkpoint[0]!, reason: why(receipt) }));
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw cannotRead(t, file, err);
    }
    const bad = checkViewFile(receipt, bytes);
    if (bad) throw new Exit(3, t('fileNo', { file, reason: why(bad) }));
    print(t('viewYes', { file, format: receipt.format, plan: receipt.plan, asOf: receipt.asOf, knownAt: receipt.knownAt, size: checkpoints[0]!.size }));
  }

  const adminFile = args['admin-key'][0];
  const admin = adminFile === undefined ? undefined : parseVerifierKey(read(t, adminFile));
  if (typeof admin === 'string') throw new Exit(2, t('badKey', { option: '--admin-key', file: adminFile!, reason: why(admin) }));
  if (args.log[0]) for (const line of await streamLog(args.log[0], checkpoints, admin ? unitSignatureChecker(admin) : undefined, lang)) print(line);

  if (args.proof[0]) {
    const file = args.proof[0];
    let proof: Proof;
    try {
      proof = JSON.parse(read(t, file)) as Proof;
    } catch (err) {
      if (err instanceof Exit) throw err;
      throw new Exit(3, t('notJson', { file }));
    }
    if (proof.kind === 'inclusion') {
      const cp = checkpoints.find((c) => c.size === proof.treeSize) ?? checkpoints[checkpoints.length - 1]!;
      const bad = checkInclusion(proof, cp);
      if (bad) throw new Exit(3, t('fileNo', { file, reason: why(bad) }));
      print(t('inclusionYes', { eventId: proof.event.eventId, type: proof.event.type, position: proof.event.position, size: cp.size, time: cp.time }));
    } else if (proof.kind === 'consistency') {
      if (checkpoints.length !== 2) throw new Exit(2, t('needsTwo'));
      const bad = checkConsistency(proof, checkpoints[0]!, checkpoints[1]!);
      if (bad) throw new Exit(3, t('fileNo', { file, reason: why(bad) }));
      print(t('consistencyYes', { newer: checkpoints[1]!.size, older: checkpoints[0]!.size }));
    } else {
      throw new Exit(3, t('neither', { file }));
    }
  }
  return 0;
};

export const main = async (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const chosen = chooseLanguage(argv, env);
  const t = translator(chosen.lang);
  try {
    if (chosen.refused) throw new Exit(2, t('lang', chosen.refused));
    return await run(chosen.argv, (l) => process.stdout.write(`${l}\n`), chosen.lang);
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    if (err.code === 0) process.stdout.write(`${err.message}\n`);
    else process.stderr.write(`minsheng-verify: ${err.message}\n`);
    return err.code;
  }
};

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
