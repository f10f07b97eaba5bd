/**
 * The body of the checkpointing thread (see wal-checkpointer.ts): its own connection to the file,
 * a PASSIVE checkpoint every few milliseconds, and a last one when told to finish.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerMessage } from './wal-checkpointer';

const port = parentPort!;
const { file, everyMs } = workerData as { file: string; everyMs: number };
const send = (m: CheckpointerMessage) => port.postMessage(m);

const main = () => {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    send({ type: 'failed', message: `the checkpointing thread cannot open ${file}: ${(e as Error).message}` });
    return port.close();
  }
  const stop = () => {
    clearInterval(timer);
    db.close();
    port.close();
  };
  const checkpoint = (): boolean => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      return true;
    } catch (e) {
      send({ type: 'failed', message: `a checkpoint of ${file} failed: ${(e as Error).message}` });
      return false;
    }
  };
  const timer = setInterval(() => {
    if (!checkpoint()) stop();
  }, everyMs);
  port.on('message', () => {
    if (checkpoint()) send({ type: 'finished' });
    stop();
  });
};

main();
