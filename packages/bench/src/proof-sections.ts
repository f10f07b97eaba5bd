/*
 * Proofs and the independent verifier on the bench's ledger logs (the projection section built
 * them): inclusion and consistency proofs from the nodes the SQLite file stores, p50/p99; then
 * minsheng-verify checking each log's export against a signed checkpoint, in a process of its
 * own, with its peak RSS beside the file's size (a whole-file read would hold more than the file).
 */
import { ledgerRegistry } from '@minsheng/core';
import { iterateBatches, logEntryOf, storedTreeView, type EventStore } from '@minsheng/event-store';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { fmt, judged, latenciesWithCpu, latencyRow, noteRow, type BenchRow, type BenchSection, type Latency } from '@minsheng/store-sqlite/internal';
import { execFile } from 'node:child_process';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { builtLedgerLogs } from './ledger-log';

const SAMPLES = { smoke: 200, small: 2_000, full: 10_000 } as const;
const PROOF_GOAL_US = 1_000;

/*
 * The verifier as auditors run it: @minsheng/verify's CLI, found beside the event store that
 * depends on it (the bench does not, so its lockfile stays as it is); of its library, the three
 * calls that sign a checkpoint.
 */
export const verifyDist = dirname(require.resolve('@minsheng/verify', { paths: [dirname(require.resolve('@minsheng/event-store'))] }));
export interface Signing {
  newSignerKey(name: string): { signer: string; verifier: string };
  parseSignerKey(text: string): object | string;
  signCheckpoint(c: { origin: string; size: number; root: Buffer; time: string }, key: object): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const verifyLib = require(join(verifyDist, 'index.js')) as Signing;

/** A pseudo-random sequence, the same every run. */
const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

type Timed = { wall: Latency; cpuP99: number };

export const proofRows = async (store: EventStore, samples: number): Promise<{ size: number; inclusion: Timed; consistency: Timed }> => {
  const tree = store.tree;
  if (!tree) throw new Error(`the ${store.engine} store keeps no Merkle tree`);
  const size = await tree.leafCount();
  const view = storedTreeView(tree, size);
  const random = lcg(size);
  const inclusion = await latenciesWithCpu(samples, () => view.inclusion(Math.floor(random() * size)));
  const consistency = await latenciesWithCpu(samples, () => view.consistency(1 + Math.floor(random() * (size - 1))));
  return { size, inclusion, consistency };
};

/** A proof's row, judged by its wall p99, with its CPU p99 beside it (the machine may be shared). */
export const proofRow = (name: string, t: Timed): BenchRow => {
  const row = latencyRow(name, t.wall, undefined, `p99 < ${fmt(PROOF_GOAL_US)} µs`);
  return judged({ ...row, ours: `${row.ours}, CPU p99 ${fmt(t.cpuP99, 1)} µs` }, t.wall.p99 < PROOF_GOAL_US);
};

/** `minsheng export --events` of the whole log, as JSON Lines. */
const exportLog = async (store: EventStore, file: string): Promise<void> => {
  const out = createWriteStream(file);
  for await (const page of iterateBatches(store, { batchSize: 1000, raw: true })) {
    if (!out.write(page.map((e) => `${JSON.stringify(logEntryOf(e))}\n`).join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
};

/** minsheng-verify in a process of its own: its answer, its wall time and its peak RSS. */
export const runVerifier = async (args: string[]): Promise<{ seconds: number; peakMb: number }> => {
  const script = `require(${JSON.stringify(join(verifyDist, 'main.js'))}).main(process.argv.slice(1)).then((code) => {
    process.stderr.write('peak-rss ' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = code; });`;
  const start = process.hrtime.bigint();
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script, '--', ...args], { maxBuffer: 2 ** 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!/^yes: .*events; every hash and link holds/m.test(stdout)) throw new Error(`minsheng-verify did not say yes: ${stdout}${stderr}`);
  return { seconds, peakMb: Number(/peak-rss (\d+)/.exec(stderr)![1]) / 1024 };
};

/** Proofs sampled a log: as many as the scale says. */
export const proofSamples = (scale: keyof typeof SAMPLES): number => SAMPLES[scale];

export const proofSection: BenchSection = async (ctx) => {
  const rows: BenchRow[] = [];
  const key = verifyLib.newSignerKey('bench-ledger');
  const signer = verifyLib.parseSignerKey(key.signer) as object;
  writeFileSync(join(ctx.dir, 'bench.pub'), key.verifier);
  const verified: Array<{ size: number; peakMb: number }> = [];
  for (const [, file] of [...builtLedgerLogs].sort((a, b) => a[0] - b[0])) {
    const store = createSqliteEventStore({ file, registry: ledgerRegistry, readOnly: true });
    const { size, inclusion, consistency } = await proofRows(store, SAMPLES[ctx.scale]);
    rows.push(proofRow(`inclusion proof at ${fmt(size)} events (SQLite, stored nodes)`, inclusion));
    rows.push(proofRow(`consistency proof to ${fmt(size)} events`, consistency));

    const events = join(ctx.dir, `export-${size}.jsonl`);
    await exportLog(store, events);
    const root = await storedTreeView(store.tree!, size).root();
    await store.close();
    const checkpoint = join(ctx.dir, `checkpoint-${size}.txt`);
    writeFileSync(checkpoint, verifyLib.signCheckpoint({ origin: 'bench', size, root, time: new Date().toISOString() }, signer));
    const run = await runVerifier(['--key', join(ctx.dir, 'bench.pub'), '--checkpoint', checkpoint, '--log', events]);
    const fileMb = statSync(events).size / 2 ** 20;
    verified.push({ size, peakMb: run.peakMb });
    const flat = verified.length > 1 ? run.peakMb <= verified[0]!.peakMb * 1.25 : undefined;
    const row = noteRow(
      `minsheng-verify of an export of ${fmt(size)} events, streamed`,
      `${fmt(size / run.seconds)} events/s, peak RSS ${fmt(run.peakMb)} MB (file ${fmt(fileMb)} MB)`,
      verified.length > 1 ? `RSS within 25% of ${fmt(verified[0]!.size)}'s` : '',
    );
    rows.push(flat === undefined ? row : judged(row, flat));
  }
  return rows;
};
