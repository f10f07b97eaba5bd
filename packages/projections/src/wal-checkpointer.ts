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
 * thread runs PASSIVE checkpoints (which never block the writer or a reader) every few
 * milliseconds, and the writer's connection checkpoints itself four times less often: when it
 * does, the thread has copied nearly all of the log, so it waits little.
 *
 * The writer's own checkpoints are what keep the WAL bounded. The log starts again from the
 * beginning of the WAL file only when a write begins after a checkpoint copied all of it; the
 * thread's checkpoints, which end while the writer is already writing its next batch, almost
 * never manage that (left alone, the WAL grew with the whole load), and the writer's do, right
 * after its commit. If the thread fails, the connection checkpoints itself as before.
 */
export interface WalCheckpointer {
  /**
   * Called by the writer after each commit: starts the thread once the WAL file has reached the
   * size at which it starts. (Not a timer: a load on one thread may never let the event loop turn.)
   */
  afterCommit(): void;
  /** Runs a last checkpoint, stops the thread, and has the connection checkpoint itself as before. */
  finish(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /**
   * WAL size in bytes at which the thread starts (default: the size at which the connection
   * would have checkpointed itself). A short load never needs the thread; a long one lets the
   * threads it starts itself (reader threads) boot first.
   */
  readonly startAt?: number;
  /** How often the thread looks for committed pages to copy (default 20 ms). */
  readonly everyMs?: number;
  /** Told once why the connection checkpoints itself as before, before finish(), if it does. */
  readonly onFailure?: (message: string) => void;
}

/** How many times less often the writer checkpoints itself while the thread runs (4: 16 MB of WAL at SQLite's default). */
const SPACING = 4;

export type CheckpointerMessage = { readonly type: 'finished' } | { readonly type: 'failed'; readonly message: string };

/**
 * Checkpoints `db`'s file from a thread until finish(), and `db` itself four times less often
 * meanwhile. A database in memory, or not in WAL mode, or a connection that does not checkpoint
 * itself, is left as it is. If the thread cannot start, cannot open the file or fails a
 * checkpoint, `db` checkpoints itself as before at once: the load goes on as it would have without.
 */
export const startWalCheckpointer = (db: Database.Database, options: WalCheckpointerOptions = {}): WalCheckpointer => {
  const idle: WalCheckpointer = { afterCommit: () => {}, finish: async () => {} };
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return idle;
  const own = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  if (own <= 0) return idle;
  const everyMs = options.everyMs ?? 20;
  const startAt = Math.max(0, options.startAt ?? own * (db.pragma('page_size', { simple: true }) as number));
  // SQLite's own absolute path of the file: the name the connection was opened with may be relative.
  const file = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main')!.file;
  const walSize = () => {
    try {
      return statSync(`${file}-wal`).size;
    } catch {
      return 0; // no WAL yet
    }
  };
  let restored = false;
  const restore = (why?: string) => {
    if (restored) return;
    restored = true;
    if (why) options.onFailure?.(why);
    if (db.open) db.pragma(`wal_autocheckpoint = ${own}`);
  };
  let worker: Worker | null = null;
  let ended: Promise<void> = Promise.resolve();
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
      if (!worker && !restored && walSize() >= startAt) start();
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
