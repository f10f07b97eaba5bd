/**
 * The body of one reader thread (see reader-threads.ts): opens the event store through the
 * opener it is given, then reads the pages it is asked for, checked and upcast as any read
 * is, and sends back the index rows they add as JSON text (see row-wire.ts: cheaper to pass
 * between threads than structured clones of the rows, measured). Told to close, it closes the
 * store and waits to be given another (see reader-thread-pool.ts).
 */
import type { EventStore, OpenEventStore, ReadError, StoreOpener } from '@minsheng/event-store';
import { parentPort } from 'node:worker_threads';
import { encodeRows } from './read-model/row-wire';
import { readPage, ReaderThreadError, type ThreadMessage, type ThreadRequest } from './reader-threads';

const port = parentPort!;
const send = (m: ThreadMessage) => port.postMessage(m);
/** A StoreUnavailable's cause may not be cloneable between threads. */
const withoutCause = (e: ReadError): ReadError => (e._tag === 'StoreUnavailable' ? { _tag: e._tag, message: e.message } : e);
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The store `opener` opens, or null once the failure is sent. */
const openStore = async (opener: StoreOpener): Promise<EventStore | null> => {
  let open: OpenEventStore;
  try {
    open = (require(opener.module) as { openEventStore?: OpenEventStore }).openEventStore!;
    if (typeof open !== 'function') throw new Error(`${opener.module} does not export openEventStore`);
  } catch (e) {
    send({ type: 'failed', page: null, message: `a reader thread cannot load ${opener.module}: ${reasonOf(e)}` });
    return null;
  }
  return (async () => open(opener.args as never))().catch((e: unknown) => {
    send({ type: 'failed', page: null, message: `a reader thread cannot open the event store: ${reasonOf(e)}` });
    return null;
  });
};

let store: EventStore | null = null;

const handle = async (r: ThreadRequest): Promise<void> => {
  if (r.type === 'load') {
    // Ahead of 'open', which says what went wrong if this did.
    try {
      require(r.opener.module);
    } catch {
      /* reported by 'open' */
    }
    return;
  }
  if (r.type === 'open') {
    store = await openStore(r.opener);
    if (store) send({ type: 'ready' });
    return;
  }
  if (r.type === 'close') {
    const s = store;
    store = null;
    // A thread whose store cannot close is not one to keep: it ends (see reader-thread-pool.ts).
    if (s) await Promise.resolve().then(() => s.close());
    send({ type: 'closed' });
    return;
  }
  try {
    if (!store) throw new ReaderThreadError(`reading after position ${r.after} failed: the reader thread has no open store`);
    const page = await readPage(store, r.after, r.upTo);
    send({ type: 'page', page: r.page, count: page.count, rows: encodeRows(page.rows) });
  } catch (e) {
    send({
      type: 'failed',
      page: r.page,
      message: e instanceof ReaderThreadError ? e.message : `reading after position ${r.after} failed: ${reasonOf(e)}`,
      // Tagged errors are plain data: the calling thread tells a broken chain from a failing store.
      ...(e instanceof ReaderThreadError && e.storeError ? { storeError: withoutCause(e.storeError) } : {}),
    });
  }
};

// Requests are answered one at a time, in the order they came.
let queue = Promise.resolve();
port.on('message', (r: ThreadRequest) => {
  // Every failure of a request is answered in handle(); one that is not (a store that cannot
  // close) ends the thread.
  queue = queue.then(() => handle(r)).catch(() => process.exit(1));
});
