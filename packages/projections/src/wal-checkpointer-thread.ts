/**
 * The body of the checkpointing thread (see wal-checkpointer.ts): its own connection to the file,
 * a PASSIVE checkpoint, a pause, another, and a last one when told to finish.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerMessage } from './wal-checkpointer';

const port = parentPort!;
const { file, everyMs } = workerData as { file: string; everyMs: number };
const send = (m: CheckpointerMessage) => port.postMessage(m);
const pause = new Int32Array(new SharedArrayBuffer(4));

const main = () => {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    send({ type: 'failed', message: `the checkpointing thread cannot open ${file}: ${(e as Error).message}` });
    return port.close();
  }
  let timer: NodeJS.Timeout | undefined;
  /** Stops checkpointing and closes the connection; false (and said) if closing failed. */
  const close = (): boolean => {
    clearTimeout(timer);
    try {
      db.close();
      return true;
    } catch (e) {
      send({ type: 'failed', message: `closing the checkpointing thread's connection to ${file} failed: ${(e as Error).message}` });
      return false;
    }
  };
  /** A checkpoint; 'busy' if another connection was checkpointing (only one can at a time). */
  const checkpoint = (): 'done' | 'busy' | 'failed' => {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
      return r && r.busy !== 0 ? 'busy' : 'done';
    } catch (e) {
      send({ type: 'failed', message: `a checkpoint of ${file} failed: ${(e as Error).message}` });
      return 'failed';
    }
  };
  // The next checkpoint is timed from the end of the last: the writer's own checkpoints, which
  // let the WAL start again, find the lock free between them.
  const next = () => {
    timer = setTimeout(() => {
      if (checkpoint() !== 'failed') return next();
      close();
      port.close();
    }, everyMs);
  };
  next();
  port.on('message', () => {
    clearTimeout(timer);
    // The last one copies everything committed, waiting its turn if another connection is
    // checkpointing (up to a second).
    let last = checkpoint();
    for (let i = 0; i < 100 && last === 'busy'; i++) {
      Atomics.wait(pause, 0, 0, 10);
      last = checkpoint();
    }
    // Closed before it says it is done: a caller that closes its own connection next is then the
    // last one, as if this thread had never run (SQLite checkpoints and removes the WAL there).
    if (close() && last !== 'failed') send({ type: 'finished' });
    port.close();
  });
};

main();
