import type { EventStore } from '@minsheng/event-store';
import { runWorker, type ReadModelReader, type ReadModelWriter } from '@minsheng/projections';
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
 * Keeps the ledger index up to date. Several workers may run (one per server, or separate
 * processes): only the holder of the lease applies batches, and another takes over within
 * `leaseMs` when it dies. A failure (the database restarting) is logged and retried.
 */
export const startWorker = (
  deps: { store: EventStore; readModel: { reader: ReadModelReader; writer: ReadModelWriter } },
  { leaseMs, pollMs, log = () => undefined }: WorkerOptions,
): WorkerHandle => {
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const stopping = new AbortController();
  const signal = stopping.signal;
  const loop = (async () => {
    while (!signal.aborted) {
      try {
        await runWorker({ store: deps.store, model: deps.readModel, owner, leaseMs, pollMs, signal, onLease: (held) => log(`${owner} ${held ? 'holds' : 'lost'} the projection lease`) });
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

/** `node dist/worker.js`: a projection worker process beside the servers. Stops on SIGINT/SIGTERM. */
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
