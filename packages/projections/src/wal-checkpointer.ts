import { compiledBeside } from '@minsheng/event-store';
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of a SQLite file's write-ahead log, run in another thread while this one writes.
 *
 * A checkpoint copies committed pages from the WAL into the database file, then waits for the
 * disk (fsync). SQLite runs one inside the COMMIT that takes the WAL past 1000 pages, so a writer
 * loading many rows waits for the disk every few batches: writing 100k figures spent 165 of
 * 610 ms in COMMIT, of which the copying was about 40 ms of CPU (measured). During a bulk load a
 * thread runs PASSIVE checkpoints (which never block a write or a reader) every few milliseconds,
 * and the writer's connection checkpoints itself four times less often: when it does, the thread
 * has copied nearly all of the log, so it waits little.
 *
 * The writer's own checkpoints are what keep the WAL bounded. The log starts again from the
 * beginning of the WAL file only when a write begins after a checkpoint copied all of it; the
 * thread's checkpoints, which end while the writer is already writing its next batch, almost
 * never manage that (left alone, the WAL grew with the whole load), and the writer's do, right
 * after its commit. Only one checkpoint runs at a time, and one that finds another running is
 * skipped, so the thread pauses between its checkpoints; and if the WAL file still grows to eight
 * times the writer's own size (32 MB at SQLite's default), the thread stops and the connection
 * checkpoints itself as before. So it does, too, if the thread cannot start, cannot open the file
 * or fails a checkpoint.
 */
export interface WalCheckpointer {
  /** Called by the writer after each commit (not a timer: a load on one thread may never let the event loop turn). */
  afterCommit(): void;
  /** Runs a last checkpoint, has the connection checkpoint itself as before, and stops the thread. */
  finish(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** The pause between the thread's checkpoints (default 20 ms). */
  readonly everyMs?: number;
  /** Told once why the connection checkpoints itself as before, before finish(), if it does (default: a process warning). */
  readonly onFailure?: (message: string) => void;
}

/** How many times less often the writer checkpoints itself while the thread runs (4: 16 MB of WAL at SQLite's default). */
const SPACING = 4;
/** How large, in the writer's own checkpoint sizes, the WAL file may grow before the thread stops (32 MB at the default). */
const LIMIT = 8;

export type CheckpointerMessage = { readonly type: 'finished' } | { readonly type: 'failed'; readonly message: string };

const warn = (message: string) => process.emitWarning(message, { code: 'MINSHENG_WAL_CHECKPOINTS' });

/**
 * Checkpoints `db`'s file from a thread, started at the first commit, until finish(); `db`
 * checkpoints itself four times less often meanwhile. A database in memory, or not in WAL mode,
 * or a connection that does not checkpoint itself, is left as it is.
 */
export const startWalCheckpointer = (db: Database.Database, options: WalCheckpointerOptions = {}): WalCheckpointer => {
  const idle: WalCheckpointer = { afterCommit: () => {}, finish: async () => {} };
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return idle;
  const own = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  if (own <= 0) return idle;
  const everyMs = options.everyMs ?? 20;
  const onFailure = options.onFailure ?? warn;
  // SQLite's own absolute path of the file: the name the connection was opened with may be relative.
  const file = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main')!.file;
  const walSize = () => {
    try {
      return statSync(`${file}-wal`).size;
    } catch {
      return 0; // no WAL yet
    }
  };
  // The file's size, not the log in it, which SQLite does not tell: the file keeps the size of the
  // longest log it held, so it grows past this only if the log does.
  const limit = Math.max(walSize(), LIMIT * own * (db.pragma('page_size', { simple: true }) as number));
  let restored = false;
  let worker: Worker | null = null;
  let ended: Promise<void> = Promise.resolve();
  const restore = (why?: string) => {
    if (restored) return;
    restored = true;
    if (why) onFailure(why);
    if (db.open) db.pragma(`wal_autocheckpoint = ${own}`);
    worker?.postMessage('finish');
  };
  const start = () => {
    let w: Worker;
    try {
      w = new Worker(compiledBeside(__dirname, 'wal-checkpointer-thread.js'), { workerData: { file, everyMs } });
    } catch (e) {
      return restore(`the checkpointing thread did not start: ${(e as Error).message}`);
    }
    // A caller that never calls finish() does not keep the process alive with it.
    w.unref();
    worker = w;
    ended = new Promise<void>((resolve) => {
      w.on('message', (m: CheckpointerMessage) => {
        if (m.type === 'failed') restore(m.message);
        // The last checkpoint is done: the caller need not wait for the thread to wind down too.
        else if (m.type === 'finished') {
          restore();
          resolve();
        }
      });
      w.on('error', (e) => restore(`the checkpointing thread failed: ${e.message}`));
      w.on('exit', () => {
        restore();
        resolve();
      });
    });
  };
  db.pragma(`wal_autocheckpoint = ${own * SPACING}`);
  return {
    afterCommit: () => {
      if (restored) return;
      if (!worker) return start();
      const size = walSize();
      if (size > limit) restore(`the WAL of ${file} grew to ${size} bytes during a bulk load; the connection checkpoints it itself again`);
    },
    finish: async () => {
      if (!worker) return restore();
      // Held open until the last checkpoint is done: the caller is waiting for it.
      worker.ref();
      worker.postMessage('finish');
      await ended;
    },
  };
};
