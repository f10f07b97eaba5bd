import type { EventStore, ReadError, StoreOpener } from '@minsheng/event-store';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { rowsOf, type IndexRow } from './read-model/index-rows';
import { decodeRows } from './read-model/row-wire';
import { dropKeptReaderThread, keepReaderThread, READER_THREAD_IDLE_MS, takeReaderThread } from './reader-thread-pool';

/**
 * Reading the log in other threads while this one writes the read model. Reading with
 * validation (~10 µs an event, measured at 1M events) and writing the index (~8 µs) can each
 * keep a core busy; on one thread a rebuild is their sum. Threads read pages ahead, the calling thread applies them
 * in log order and, while the page it needs next is still being read, reads one further on itself.
 */
export interface ReaderThreads {
  /** How each thread opens the event store (the events it reads are checked by that store's registry). */
  readonly opener: StoreOpener;
  /** How many threads to start, 1 to 64 (default: the machine's cores less one, at least one). */
  readonly threads?: number;
  /** How long a thread may take to open the store before the catch-up fails (default 60 s). */
  readonly startTimeoutMs?: number;
  /**
   * How long a thread that read its pages is kept for the next catch-up in this process, which
   * then skips its start (default READER_THREAD_IDLE_MS, 10 s; 0 ends it at once, and a rebuild
   * then starts no thread ahead). See reader-thread-pool.ts.
   */
  readonly idleMs?: number;
}

/** What the threads of one catch-up did. */
export interface ThreadReading {
  /** Threads that read at least one page (the calling thread reads pages too while it waits). */
  threadsThatRead: number;
  /** Threads started for this catch-up (by it, or ahead of it by its rebuild); the others were kept from an earlier one. */
  threadsStarted: number;
}

export const MAX_READER_THREADS = 64;

/** The rows one page of the log adds, and where the checkpoint stands once they are applied. */
export interface RowPage {
  readonly through: number;
  readonly count: number;
  readonly rows: readonly IndexRow[];
}

/** A page to read: events after `after`, up to and including `upTo`. */
export interface PageRequest {
  readonly page: number;
  readonly after: number;
  readonly upTo: number;
}

/** What a reader thread is asked: to load an opener's module ahead, open a store, read a page of it, or close it. */
export type ThreadRequest =
  | { readonly type: 'load'; readonly opener: StoreOpener }
  | { readonly type: 'open'; readonly opener: StoreOpener }
  | ({ readonly type: 'read' } & PageRequest)
  | { readonly type: 'close' };

export type ThreadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'closed' }
  | { readonly type: 'page'; readonly page: number; readonly count: number; readonly rows: string }
  | { readonly type: 'failed'; readonly page: number | null; readonly message: string; readonly storeError?: ReadError };

/** A reader thread failed; nothing it read was applied. `storeError`: the store's error, when a read failed. */
export class ReaderThreadError extends Error {
  constructor(
    message: string,
    readonly storeError?: ReadError,
  ) {
    super(message);
  }
}

/**
 * Pages a thread may hold (one being read, one waiting), and how many pages beyond the one the
 * writer needs next may be read or held at once: memory stays bounded however slow the writer is.
 */
const PER_THREAD = 2;
const AHEAD = 4;

/**
 * The events after `after` up to and including `upTo`, as the index rows they add: what a
 * thread, or the calling thread meanwhile, reads for one page. A failed read is a
 * ReaderThreadError naming where it failed.
 */
export const readPage = async (store: EventStore, after: number, upTo: number): Promise<{ count: number; rows: IndexRow[] }> => {
  const read = await store.readAll({ fromPosition: after, maxCount: upTo - after })();
  if (read._tag === 'Left') throw new ReaderThreadError(`reading after position ${after} failed: ${read.left.message}`, read.left);
  const events = read.right.filter((e) => e.position <= upTo);
  return { count: events.length, rows: rowsOf(events) };
};

/** The longest wait a timer takes (2^31 − 1 ms, about 24.8 days): a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How many threads `readers` starts; a count that is not a whole number from 1 to 64 is
 * refused, as is a start timeout or idle time that is not a whole number of milliseconds a
 * timer can wait (idle: from 0; start timeout: from 1).
 */
export const readerThreadCount = (readers: ReaderThreads): number => {
  const n = readers.threads ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(n) || n < 1 || n > MAX_READER_THREADS)
    throw new RangeError(`reader threads must be a whole number from 1 to ${MAX_READER_THREADS}, not ${String(n)} (leave readers out to read on this thread)`);
  const ms = (name: string, v: number | undefined, least: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < least || v > MAX_TIMER_MS))
      throw new RangeError(`reader threads' ${name} must be a whole number of milliseconds from ${least} to ${MAX_TIMER_MS}, not ${String(v)}`);
  };
  ms('startTimeoutMs', readers.startTimeoutMs, 1);
  ms('idleMs', readers.idleMs, 0);
  return n;
};

interface Thread {
  readonly worker: Worker;
  ready: boolean;
  pending: number;
  pagesRead: number;
  /** It said it failed, failed or ended: it is not kept. */
  failed: boolean;
  readonly startTimer: NodeJS.Timeout;
  /** Takes this read's listeners off the thread. */
  readonly detach: () => void;
  /** Set once the thread is let go (kept or ended), from when it has sent its last page. */
  ending: Promise<number> | null;
}

/**
 * The log from `after` up to and including `upTo`, as pages of index rows in log order. Pages
 * are position ranges of `pageSize`. Reading stops, and every thread ends, when the caller
 * stops iterating or a read fails (thrown as ReaderThreadError naming the position).
 */
export async function* readPagesInThreads(
  store: EventStore,
  readers: ReaderThreads,
  range: { readonly after: number; readonly upTo: number },
  pageSize: number,
  reading: ThreadReading = { threadsThatRead: 0, threadsStarted: 0 },
): AsyncGenerator<RowPage> {
  const pages = Math.ceil((range.upTo - range.after) / pageSize);
  const bounds = (k: number) => ({ after: range.after + k * pageSize, upTo: Math.min(range.after + (k + 1) * pageSize, range.upTo) });
  const done = new Map<number, RowPage>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const count = readerThreadCount(readers);
  const window = AHEAD + PER_THREAD * count;
  const threads: Thread[] = [];
  const startTimeoutMs = readers.startTimeoutMs ?? 60_000;
  const idleMs = readers.idleMs ?? READER_THREAD_IDLE_MS;
  /** Lets a thread go: kept for the next catch-up if it read all it was given and failed nothing, else ended. */
  const letGo = (t: Thread): Promise<number> => {
    t.detach();
    return t.ready && t.pending === 0 && !t.failed ? keepReaderThread(t.worker, idleMs) : t.worker.terminate();
  };
  /** Listens to `worker` for this read and has it open the store. */
  const attach = (worker: Worker): Thread => {
    const onMessage = (m: ThreadMessage) => {
      if (m.type === 'ready') {
        t.ready = true;
        clearTimeout(t.startTimer);
      } else if (m.type === 'page') {
        t.pending--;
        if (t.pagesRead++ === 0) reading.threadsThatRead++;
        const b = bounds(m.page);
        done.set(m.page, { through: b.upTo, count: m.count, rows: decodeRows(m.rows) });
      } else if (m.type === 'failed') {
        t.failed = true;
        failure ??= new ReaderThreadError(m.message, m.storeError);
      }
      signal();
    };
    // (A thread let go has these listeners taken off: what it does after is not this read's.)
    const onError = (e: Error) => {
      t.failed = true;
      failure ??= new ReaderThreadError(`a reader thread failed: ${e.message}`);
      signal();
    };
    const onExit = (code: number) => {
      t.failed = true;
      // A thread not let go never ends by itself: were it given no page now, it would be given one later.
      t.ready = false;
      failure ??= new ReaderThreadError(`a reader thread stopped (exit code ${code}) before it had read its pages`);
      signal();
    };
    const t: Thread = {
      worker,
      ready: false,
      pending: 0,
      pagesRead: 0,
      failed: false,
      startTimer: setTimeout(() => {
        failure ??= new ReaderThreadError(`a reader thread did not open the event store within ${startTimeoutMs} ms`);
        signal();
      }, startTimeoutMs).unref(),
      detach: () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      },
      ending: null,
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    const open: ThreadRequest = { type: 'open', opener: readers.opener };
    worker.postMessage(open);
    return t;
  };
  const readHere = async (k: number): Promise<RowPage> => {
    const b = bounds(k);
    return { through: b.upTo, ...(await readPage(store, b.after, b.upTo)) };
  };
  // SQLite reads and writes are synchronous: without this, messages from the threads would
  // wait until the whole catch-up was done.
  const letMessagesIn = () => new Promise<void>((resolve) => setImmediate(resolve));
  let assigned = 0;
  let next = 0;
  // A failure of this read (not of the code iterating it, which is no thread's fault).
  let readFailed = false;
  try {
    // Taken at once: each kept one may wait for its store to close.
    const taken = await Promise.allSettled(Array.from({ length: count }, () => takeReaderThread()));
    for (const t of taken)
      if (t.status === 'fulfilled') {
        if (t.value.started) reading.threadsStarted++;
        threads.push(attach(t.value.worker));
      }
    for (const t of taken) if (t.status === 'rejected') throw t.reason;
    while (next < pages) {
      await letMessagesIn();
      if (failure) throw failure;
      for (const t of threads)
        while (t.ready && t.pending < PER_THREAD && assigned < pages && assigned - next < window) {
          const request: ThreadRequest = { type: 'read', page: assigned, ...bounds(assigned) };
          t.worker.postMessage(request);
          t.pending++;
          assigned++;
        }
      // A thread with nothing left to read is let go now, while this one applies the last pages.
      if (assigned === pages) for (const t of threads) if (t.ready && t.pending === 0 && !t.ending) t.ending = letGo(t);
      const page = done.get(next);
      if (page) {
        done.delete(next);
        next++;
        yield page;
        continue;
      }
      // The next page is still being read (or no thread is ready yet): read one here meanwhile.
      if (assigned < pages && assigned - next < window) {
        const k = assigned++;
        done.set(k, await readHere(k));
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    // A thread that could not start is a fault to report even when this thread read every page.
    while (!failure && threads.some((t) => !t.ready))
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    if (failure) throw failure;
  } catch (e) {
    readFailed = true;
    throw e;
  } finally {
    for (const t of threads) {
      clearTimeout(t.startTimer);
      // A read that failed ends every thread it started or took, those let go already too: a
      // kept thread must be known good.
      if (failure || readFailed) {
        t.failed = true;
        if (t.ending) t.ending = dropKeptReaderThread(t.worker);
      }
      t.ending ??= letGo(t);
    }
    await Promise.all(threads.map((t) => t.ending));
  }
}
