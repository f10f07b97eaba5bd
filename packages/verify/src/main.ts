#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { openCheckpoint, type SignedCheckpoint } from './checkpoint';
import { parseVerifierKey, type VerifierKey } from './keys';
import { checkConsistency, checkInclusion, type Proof } from './proof';
import { cannotRead, Exit, read } from './exit';
import { checkViewFile, receiptOf } from './receipt';
import { streamLog } from './stream-log';
import { unitSignatureChecker } from './unit-signatures';

const USAGE = `usage: minsheng-verify --key KEY.pub [--key …] --checkpoint FILE [--checkpoint FILE] [--log EVENTS.jsonl [--admin-key ADMIN.pub]] [--proof PROOF.json] [--view FILE]

Checks, on your own machine, a Minsheng Ledger log exported with \`minsheng export --events\`,
its signed checkpoints and proofs, and a view exported with \`minsheng export --key\` against
its receipt (FILE.receipt, given as --checkpoint: it signs the log the view was computed from). With
--admin-key, the plan administrator's verifier key you pinned, it also checks every key event and
every unit's signature of a report, correction or retraction in the log. Prints what holds and exits 0 (yes), or names what fails
and exits 3 (no); 2 for bad arguments, 1 for a file it cannot read.`;

const parseArgs = (argv: readonly string[]): Record<'key' | 'checkpoint' | 'log' | 'proof' | 'view' | 'admin-key', string[]> => {
  const out = { key: [] as string[], checkpoint: [] as string[], log: [] as string[], proof: [] as string[], view: [] as string[], 'admin-key': [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new Exit(0, USAGE);
    const name = a.replace(/^--/, '') as keyof typeof out;
    if (!a.startsWith('--') || !(name in out)) throw new Exit(2, `unknown argument ${JSON.stringify(a)} (see --help)`);
    const value = argv[++i];
    if (value === undefined) throw new Exit(2, `${a} needs a file`);
    out[name].push(value);
  }
  if (out.key.length === 0) throw new Exit(2, '--key: give the verifier key (.pub) of the ledger that signed the checkpoints');
  if (out.checkpoint.length === 0 || out.checkpoint.length > 2) throw new Exit(2, '--checkpoint: give one checkpoint, or two for a consistency proof');
  if (out.log.length > 1 || out.proof.length > 1 || out.view.length > 1) throw new Exit(2, 'give --log, --proof and --view at most once each');
  if (out.log.length + out.proof.length + out.view.length === 0) throw new Exit(2, 'nothing to check: give --log, --proof, --view or several');
  if (out['admin-key'].length > 1 || (out['admin-key'].length && !out.log.length)) throw new Exit(2, '--admin-key: give it once, with --log');
  if (out.view.length && out.checkpoint.length !== 1) throw new Exit(2, '--view: give its receipt (FILE.receipt) as the one --checkpoint');
  return out;
};

const hex = (b: Buffer): string => b.toString('hex');

export const run = async (argv: readonly string[], print: (line: string) => void): Promise<number> => {
  const args = parseArgs(argv);
  const keys: VerifierKey[] = args.key.map((f) => {
    const k = parseVerifierKey(read(f));
    if (typeof k === 'string') throw new Exit(2, `--key ${f}: ${k}`);
    return k;
  });
  const checkpoints: SignedCheckpoint[] = args.checkpoint.map((f) => {
    const c = openCheckpoint(read(f), keys);
    if (typeof c === 'string') throw new Exit(3, `no: checkpoint ${f}: ${c}`);
    print(`yes: checkpoint ${f} is signed by ${c.signedBy.join(', ')}: ${c.size} events, root ${hex(c.root)}, made ${c.time}`);
    return c;
  });
  checkpoints.sort((a, b) => a.size - b.size);

  if (args.view[0]) {
    const file = args.view[0];
    const receipt = receiptOf(checkpoints[0]!);
    if (typeof receipt === 'string') throw new Exit(3, `no: checkpoint ${args.checkpoint[0]}: ${receipt}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw cannotRead(file, err);
    }
    const bad = checkViewFile(receipt, bytes);
    if (bad) throw new Exit(3, `no: ${file}: ${bad}`);
    print(`yes: ${file} is the ${receipt.format} view of plan ${receipt.plan} as of ${receipt.asOf}, known at ${receipt.knownAt}, computed from the first ${checkpoints[0]!.size} events`);
  }

  const adminFile = args['admin-key'][0];
  const admin = adminFile === undefined ? undefined : parseVerifierKey(read(adminFile));
  if (typeof admin === 'string') throw new Exit(2, `--admin-key ${adminFile}: ${admin}`);
  if (args.log[0]) for (const line of await streamLog(args.log[0], checkpoints, admin ? unitSignatureChecker(admin) : undefined)) print(line);

  if (args.proof[0]) {
    const file = args.proof[0];
    let proof: Proof;
    try {
      proof = JSON.parse(read(file)) as Proof;
    } catch (err) {
      if (err instanceof Exit) throw err;
      throw new Exit(3, `no: ${file} is not JSON`);
    }
    if (proof.kind === 'inclusion') {
      const cp = checkpoints.find((c) => c.size === proof.treeSize) ?? checkpoints[checkpoints.length - 1]!;
      const bad = checkInclusion(proof, cp);
      if (bad) throw new Exit(3, `no: ${file}: ${bad}`);
      print(`yes: event ${proof.event.eventId} (${proof.event.type}, position ${proof.event.position}) is in the log of ${cp.size} events the checkpoint of ${cp.time} signs`);
    } else if (proof.kind === 'consistency') {
      if (checkpoints.length !== 2) throw new Exit(2, 'a consistency proof needs two --checkpoint files: the older and the newer');
      const bad = checkConsistency(proof, checkpoints[0]!, checkpoints[1]!);
      if (bad) throw new Exit(3, `no: ${file}: ${bad}`);
      print(`yes: the log of ${checkpoints[1]!.size} events extends the log of ${checkpoints[0]!.size} unchanged`);
    } else {
      throw new Exit(3, `no: ${file} is neither an inclusion nor a consistency proof`);
    }
  }
  return 0;
};

export const main = async (argv: readonly string[]): Promise<number> => {
  try {
    return await run(argv, (l) => process.stdout.write(`${l}\n`));
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
