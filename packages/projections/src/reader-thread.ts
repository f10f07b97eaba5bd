/**
 * The body of one reader thread (see reader-threads.ts): opens the event store through the
 * opener it was given, then reads the pages it is asked for, checked and upcast as any read
 * is, and sends back the index rows they add as JSON text (see row-wire.ts: cheaper to pass
 * between threads than structured clones of the rows, measured).
 */
import type { OpenEventStore, StoreOpener } from '@minsheng/event-store';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeRows } from './read-model/row-wire';
import { readPage, ReaderThreadError, type PageRequest, type ThreadMessage } from './reader-threads';

const port = parentPort!;
const send = (m: ThreadMessage) => port.postMessage(m);
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

const main = async () => {
  const opener = workerData as StoreOpener;
  let open: OpenEventStore;
  try {
    open = (require(opener.module) as { openEventStore?: OpenEventStore }).openEventStore!;
    if (typeof open !== 'function') throw new Error(`${opener.module} does not export openEventStore`);
  } catch (e) {
    return send({ type: 'failed', page: null, message: `a reader thread cannot load ${opener.module}: ${reasonOf(e)}` });
  }
  const store = await (async () => open(opener.args as never))().catch((e: unknown) => {
    send({ type: 'failed', page: null, message: `a reader thread cannot open the event store: ${reasonOf(e)}` });
    return null;
  });
  if (!store) return;
  // Requests are answered one at a time, in the order they came.
  let queue = Promise.resolve();
  port.on('message', (r: PageRequest) => {
    queue = queue
      .then(async () => {
        const page = await readPage(store, r.after, r.upTo);
        send({ type: 'page', page: r.page, count: page.count, rows: encodeRows(page.rows) });
      })
      .catch((e: unknown) =>
        send({
          type: 'failed',
          page: r.page,
          message: e instanceof ReaderThreadError ? e.message : `reading after position ${r.after} failed: ${reasonOf(e)}`,
        }),
      );
  });
  send({ type: 'ready' });
};

void main();
