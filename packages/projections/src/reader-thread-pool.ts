import { compiledBeside } from '@minsheng/event-store';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Reader threads kept between catch-ups in one process. A thread's start is the largest fixed
 * cost of a catch-up in threads: it loads its modules (about 60 ms) and its first page runs
 * on cold code (about 110 ms against 35–40 for later pages), while the writing thread reads
 * pages itself meanwhile. A thread that read its pages without failing is kept, its store
 * closed, for the next catch-up of this process, which opens its own store in it; unused, it
 * ends after its idle time. A kept thread does not keep the process alive.
 *
 * A kept thread holds no store: each catch-up opens the store it is given, so a ledger file
 * replaced or moved between two catch-ups is read as it is now.
 */

/** How long a reader thread is kept for the next catch-up once it has read its pages (default). */
export const READER_THREAD_IDLE_MS = 10_000;

// The young generation of a reader thread: reading makes short-lived garbage at a high rate; a
// rebuild of 1M events ran 10–15% faster with 64 MB than with 16 MB (256 MB gained nothing more).
const YOUNG_GENERATION_MB = 64;

interface Kept {
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
}

const kept: Kept[] = [];

const forget = (worker: Worker): void => {
  const i = kept.findIndex((k) => k.worker === worker);
  if (i < 0) return;
  clearTimeout(kept[i]!.timer);
  kept.splice(i, 1);
};

/** A kept reader thread, or a new one. `started` says which. */
export const takeReaderThread = (): { worker: Worker; started: boolean } => {
  const k = kept.pop();
  if (k) {
    clearTimeout(k.timer);
    k.worker.ref();
    return { worker: k.worker, started: false };
  }
  const worker = new Worker(compiledBeside(__dirname, 'reader-thread.js'), {
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  // A kept thread that ends (its idle time out, or a fault) is no longer offered.
  worker.on('exit', () => forget(worker));
  return { worker, started: true };
};

/**
 * Gives back a thread that has read every page it was given and failed none: it closes its
 * store and waits `idleMs` for the next catch-up (0: it ends now, as do threads beyond one a core).
 */
export const keepReaderThread = (worker: Worker, idleMs: number): Promise<number> => {
  if (idleMs <= 0 || kept.length >= availableParallelism()) return worker.terminate();
  worker.postMessage({ type: 'close' });
  worker.unref();
  kept.push({
    worker,
    timer: setTimeout(() => {
      forget(worker);
      void worker.terminate();
    }, idleMs).unref(),
  });
  return Promise.resolve(0);
};

/** Reader threads kept for the next catch-up now. */
export const keptReaderThreads = (): number => kept.length;

/** Ends every kept reader thread now (they end by themselves after their idle time). */
export const endKeptReaderThreads = async (): Promise<void> => {
  const ending = kept.splice(0).map((k) => {
    clearTimeout(k.timer);
    return k.worker.terminate();
  });
  await Promise.all(ending);
};
