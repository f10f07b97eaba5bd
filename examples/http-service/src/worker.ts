import type { StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import type { Ledger, LedgerFailure } from '@minsheng/ledger';
import { runWorker, type ReadModelReader, type ReadModelWriter } from '@minsheng/projections';
import { isRight, type Either } from 'fp-ts/Either';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { loadConfig } from './config';
import { openLedger } from './open';

export interface WorkerHandle {
  /** This worker's name in the projection lease. */
  readonly owner: string;
  /** Stops after the batch in hand and releases the lease. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly log?: (message: string) => void;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Keeps the ledger index up to date and runs the ledger's completion policy. Several workers
 * may run (one per server, or separate processes): only the holder of the lease applies
 * batches, and another takes over within `leaseMs` when it dies. A failure (the database
 * restarting) is logged and retried.
 *
 * The service's ledger has `projectInline: false`, so a report does not record TaskCompleted
 * itself: after each batch it commits, the worker asks the ledger to check the tasks the batch
 * reports on (`ledger.applyPolicies`), and a task whose targets are all met is completed then.
 * A worker that dies between committing a batch and checking it leaves that check to the next
 * holder of the lease, which checks every task once it has caught up (`ledger.applyPoliciesToAll`).
 */
export const startWorker = (
  deps: { store: EventStore; readModel: { reader: ReadModelReader; writer: ReadModelWriter }; ledger: Ledger },
  { leaseMs, pollMs, log = () => undefined }: WorkerOptions,
): WorkerHandle => {
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const stopping = new AbortController();
  const signal = stopping.signal;
  // The batch is committed before this runs, so a failure must not lose the check: retry it
  // (completing a task is idempotent) rather than let runWorker move on to the next batch.
  const retrying = async (what: string, check: () => Promise<Either<LedgerFailure, number[]>>) => {
    for (;;) {
      const r = await check();
      if (isRight(r)) {
        for (const task of r.right) log(`task ${task}: every target met, TaskCompleted recorded`);
        return;
      }
      if (signal.aborted) return log(`stopping: the completion policy for ${what} was not run: ${r.left.message}`);
      log(`completion policy for ${what} failed, retrying in ${leaseMs} ms: ${r.left.message}`);
      await pause(leaseMs, signal);
    }
  };
  const applyPolicies = (events: readonly StoredEvent[]) =>
    retrying(`positions ${events[0]!.position}-${events[events.length - 1]!.position}`, deps.ledger.applyPolicies(events));
  // Every task, once this worker has caught up after taking the lease: a batch whose worker died
  // before checking it was checked by no one.
  const sweep = () => retrying('every task', deps.ledger.applyPoliciesToAll(signal));
  const loop = (async () => {
    while (!signal.aborted) {
      try {
        await runWorker({
          store: deps.store,
          model: deps.readModel,
          owner,
          leaseMs,
          pollMs,
          signal,
          onApplied: applyPolicies,
          onCaughtUp: sweep,
          onLease: (held) => log(`${owner} ${held ? 'holds' : 'lost'} the projection lease`),
        });
      } catch (err) {
        log(`projection worker failed, retrying in ${leaseMs} ms: ${err instanceof Error ? err.message : String(err)}`);
        await pause(leaseMs, signal);
      }
    }
  })();
  return {
    owner,
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
};

/**
 * `node dist/worker.js`: a projection worker process beside the servers, which also records
 * TaskCompleted for the tasks it completes. Stops on SIGINT/SIGTERM.
 */
const main = async () => {
  const config = loadConfig();
  const opened = await openLedger(config.databaseUrl);
  const log = (m: string) => console.log(`${new Date().toISOString()} ${m}`);
  const worker = startWorker(opened, { leaseMs: config.leaseMs, pollMs: config.pollMs, log });
  log(`projection worker ${worker.owner} started`);
  const shutdown = async (signal: string) => {
    log(`${signal}: stopping`);
    await worker.stop();
    await opened.close();
    log('stopped: lease released, store and read model closed');
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
};

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
