import { ledgerRegistry } from '@minsheng/core';
import { createSqliteProjection, runWorker } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { unitMonths } from './unit-months';

/**
 * A projection worker of its own, as `minsheng worker` runs the ledger index:
 * `node dist/worker-main.js <ledger file> <projection file> <owner>`. It prints a line per
 * committed batch and when it reaches the head, and stops on SIGTERM or SIGINT, releasing its lease.
 */
const main = async ([file, projectionFile, owner]: string[]): Promise<void> => {
  if (!file || !projectionFile || !owner) throw new Error('usage: worker-main <ledger file> <projection file> <owner>');
  const store = createSqliteEventStore({ file, registry: ledgerRegistry });
  const model = createSqliteProjection(unitMonths, { file: projectionFile });
  const stop = new AbortController();
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => stop.abort());
  try {
    await runWorker({
      store,
      model,
      owner,
      leaseMs: Number(process.env.LEASE_MS ?? 10_000),
      pollMs: Number(process.env.POLL_MS ?? 200),
      batchSize: Number(process.env.BATCH_SIZE ?? 2000),
      signal: stop.signal,
      onBatch: (checkpoint, count) => console.log(`batch ${count} through ${checkpoint}`),
      onReachedHead: (checkpoint) => console.log(`at head ${checkpoint}`),
    });
  } finally {
    model.close();
    await store.close();
  }
};

if (require.main === module)
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
