/*
 * minsheng-verify's memory against the size of the log it checks, past what the bench's ledger
 * logs reach: `node packages/bench/dist/verify-memory.js 10000 100000 300000` writes a chained
 * log of each size (Harbin-like report events; not measured), signs a checkpoint of it and runs
 * the verifier in a process of its own, printing its peak RSS beside the file's size.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVerifier, verifyDist, type Signing } from './proof-sections';

interface Chaining extends Signing {
  GENESIS_HASH: string;
  sha256Hex(text: string): string;
  entryText(e: object): string;
  entryLeaf(e: object): Buffer;
  RightEdge: new () => { append(leaf: Buffer): void; root(): Buffer };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const v = require(join(verifyDist, 'index.js')) as Chaining;

const writeLog = (file: string, n: number): Buffer => {
  const fd = openSync(file, 'w');
  const edge = new v.RightEdge();
  let prevHash = v.GENESIS_HASH;
  let out = '';
  for (let i = 1; i <= n; i++) {
    const e = {
      position: i, stream: `progress-t13-${i % 900}`, revision: Math.floor(i / 900), eventId: `01JB3J5010CHXTMXFE${String(i).padStart(8, '0')}`,
      type: 'ProgressReported', schemaVersion: 1,
      data: { planId: 'harbin-2024-livelihood', task: 13, metric: 't13-gas-pipe-renewal', place: '道里区', asOf: '2024-09-30', figure: { kind: 'quantity', value: String(i % 97), unit: '公里' } },
      metadata: { actor: { unit: '市住建局', person: '统计员' }, recordedAt: '2024-10-01T00:00:00.000Z', correlationId: `bench-${i}` },
      storedAt: '2024-10-01T00:00:00.000Z', hashVersion: 2, prevHash, hash: '',
    };
    e.hash = v.sha256Hex(v.entryText(e));
    prevHash = e.hash;
    edge.append(v.entryLeaf(e));
    out += `${JSON.stringify(e)}\n`;
    if (out.length > 2 ** 20) (writeSync(fd, out), (out = ''));
  }
  writeSync(fd, out);
  closeSync(fd);
  return edge.root();
};

const main = async () => {
  const sizes = process.argv.slice(2).map(Number);
  if (sizes.length === 0 || !sizes.every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('give the log sizes to check, e.g. 10000 100000 300000');
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-verify-memory-'));
  try {
    const key = v.newSignerKey('bench');
    writeFileSync(join(dir, 'bench.pub'), key.verifier);
    console.log('| events | file | peak RSS of minsheng-verify | events/s |\n|---|---|---|---|');
    for (const n of sizes) {
      const log = join(dir, `events-${n}.jsonl`);
      const root = writeLog(log, n);
      const cp = join(dir, `checkpoint-${n}.txt`);
      writeFileSync(cp, v.signCheckpoint({ origin: 'bench', size: n, root, time: new Date().toISOString() }, v.parseSignerKey(key.signer) as object));
      const r = await runVerifier(['--key', join(dir, 'bench.pub'), '--checkpoint', cp, '--log', log]);
      const mb = (b: number) => `${Math.round(b).toLocaleString('en-US')} MB`;
      console.log(`| ${n.toLocaleString('en-US')} | ${mb(statSync(log).size / 2 ** 20)} | ${mb(r.peakMb)} | ${Math.round(n / r.seconds).toLocaleString('en-US')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
