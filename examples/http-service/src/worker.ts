import type { StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { CHECK_TRIES, failedCheckText, sweepVerdict, type Ledger } from '@minsheng/ledger';
import { againWaitMs, runWorker, type ReadModelReader, type ReadModelWriter } from '@minsheng/projections';
import { isRight } from 'fp-ts/Either';
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
  // The batch is committed before this runs, so a failure must not lose the check: it is tried
  // again a poll later (completing a task is idempotent), CHECK_TRIES times in all, and then left
  // to the sweep below ('unchecked'): a check that keeps failing must not stop the projection.
  const applyPolicies = async (events: readonly StoredEvent[]): Promise<void | 'unchecked'> => {
    const range = `positions ${events[0]!.position}-${events[events.length - 1]!.position}`;
    for (let attempt = 1; ; attempt++) {
      const r = await deps.ledger.applyPolicies(events)();
      if (isRight(r)) {
        for (const task of r.right) log(`task ${task}: every target met, TaskCompleted recorded`);
        return;
      }
      if (signal.aborted) return log(`stopping: the completion policy for ${range} was not run: ${r.left.message}`);
      if (attempt === CHECK_TRIES) {
        log(`completion policy for ${range} failed ${attempt} times, left to the sweep of every task: ${r.left.message}`);
        return 'unchecked';
      }
      log(`completion policy for ${range} failed, retrying in ${pollMs} ms: ${r.left.message}`);
      await pause(pollMs, signal);
    }
  };
  // Every task, once this worker has caught up after taking the lease, and after a batch left
  // unchecked: a batch whose worker died before checking it was checked by no one. A sweep that
  // failed is tried again after a wait that grows (runWorker renews the lease meanwhile): for as
  // long as the database is unavailable, and SWEEP_TRIES times in all when its failures last (a
  // task's events damaged), so that such a task does not keep the worker sweeping (sweepVerdict).
  const sweep = async (attempt: number): Promise<void | 'again'> => {
    const r = await deps.ledger.applyPoliciesToAll(signal)();
    if (isRight(r)) for (const { planId, task } of r.right.completed) log(`${planId} task ${task}: every target met, TaskCompleted recorded`);
    const verdict = sweepVerdict(r, attempt);
    if (verdict === 'done') return;
    const failure = isRight(r) ? r.right.failed.map(failedCheckText).join('; ') : r.left.message;
    if (signal.aborted) return log(`stopping: the completion sweep was not finished: ${failure}`);
    if (verdict === 'again') {
      log(`the completion sweep failed (attempt ${attempt}), trying again in ${againWaitMs(pollMs, attempt)} ms: ${failure}`);
      return 'again';
    }
    log(`the completion sweep failed ${attempt} times, given up until it is next owed: ${failure}`);
  };
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
          onCaughtUp: (_, attempt) => sweep(attempt),
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
