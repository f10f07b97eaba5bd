import { compiledBeside, type StoreOpener } from '@minsheng/event-store';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadMessage, ThreadRequest } from './reader-threads';

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

/**
 * How long a catch-up waits for a kept thread to say it closed its store (it takes a millisecond
 * or two) before it ends that thread and starts another.
 */
export const READER_THREAD_CLOSE_WAIT_MS = 1000;

interface Kept {
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
  /** True once it says it closed its store; false if it ended first. */
  readonly closed: Promise<boolean>;
  /** Started ahead for a catch-up (startReaderThreads), not kept from an earlier one. */
  readonly ahead: boolean;
}

const kept: Kept[] = [];

/** Takes `worker` out of the kept threads; false if it was not there (in use, or ended). */
const forget = (worker: Worker): boolean => {
  const i = kept.findIndex((k) => k.worker === worker);
  if (i < 0) return false;
  clearTimeout(kept[i]!.timer);
  kept.splice(i, 1);
  return true;
};

/**
 * A kept reader thread, once it has closed the store it read, or a new one; `started` is false
 * for a thread kept from an earlier catch-up. A kept thread that does not say it closed its store
 * within READER_THREAD_CLOSE_WAIT_MS, or ends first, is ended and another taken: a store that
 * cannot close is no fault of the catch-up taking the thread.
 */
export const takeReaderThread = async (): Promise<{ worker: Worker; started: boolean }> => {
  for (let k = kept.pop(); k; k = kept.pop()) {
    clearTimeout(k.timer);
    let waited: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      k.closed,
      new Promise<false>((resolve) => (waited = setTimeout(() => resolve(false), READER_THREAD_CLOSE_WAIT_MS))),
    ]);
    clearTimeout(waited);
    if (closed) {
      k.worker.ref();
      return { worker: k.worker, started: k.ahead };
    }
    await k.worker.terminate();
  }
  return { worker: newReaderThread(), started: true };
};

const newReaderThread = (): Worker => {
  const worker = new Worker(compiledBeside(__dirname, 'reader-thread.js'), {
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  // A kept thread that ends (its idle time out, or a fault) or fails is no longer offered; with a
  // listener here, its failure is no uncaught 'error' in this thread either.
  worker.on('exit', () => forget(worker));
  worker.on('error', () => {
    if (forget(worker)) void worker.terminate();
  });
  return worker;
};

/** Ends a kept thread after `ms` unused. */
const endAfter = (worker: Worker, ms: number): NodeJS.Timeout =>
  setTimeout(() => {
    forget(worker);
    void worker.terminate();
  }, ms).unref();

/**
 * Starts reader threads for a catch-up about to begin, so that they load their code (and the
 * opener's module) while this thread does what comes first: a rebuild in place deletes the old
 * rows (about 0.1 s at 100k events). They are kept, storeless, until the catch-up takes them,
 * or for `idleMs`. Threads kept already count towards `count`.
 */
export const startReaderThreads = (opener: StoreOpener, count: number, idleMs: number): void => {
  for (let n = kept.length; n < Math.min(count, availableParallelism()); n++) {
    const worker = newReaderThread();
    const request: ThreadRequest = { type: 'load', opener };
    worker.postMessage(request);
    worker.unref();
    kept.push({ worker, timer: endAfter(worker, idleMs), closed: Promise.resolve(true), ahead: true });
  }
};

/**
 * Gives back a thread that has read every page it was given and failed none: it closes its
 * store and waits `idleMs` for the next catch-up (0: it ends now, as do threads beyond one a
 * core). One whose store cannot close ends (see reader-thread.ts).
 */
export const keepReaderThread = (worker: Worker, idleMs: number): Promise<number> => {
  if (idleMs <= 0 || kept.length >= availableParallelism()) return worker.terminate();
  const closed = new Promise<boolean>((resolve) => {
    const onMessage = (m: ThreadMessage) => {
      if (m.type !== 'closed') return;
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      resolve(true);
    };
    const onExit = () => {
      worker.off('message', onMessage);
      resolve(false);
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  const request: ThreadRequest = { type: 'close' };
  worker.postMessage(request);
  worker.unref();
  kept.push({ worker, timer: endAfter(worker, idleMs), closed, ahead: false });
  return Promise.resolve(0);
};

/** Ends `worker` if it is kept (a catch-up that let it go failed after); one in use is left alone. */
export const dropKeptReaderThread = (worker: Worker): Promise<number> => (forget(worker) ? worker.terminate() : Promise.resolve(0));

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
