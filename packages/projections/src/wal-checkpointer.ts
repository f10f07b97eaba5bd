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
 * 610 ms in COMMIT, of which the copying was about 40 ms of CPU (measured). During a bulk load the
 * writer's connection stops checkpointing and this thread runs PASSIVE checkpoints instead, which
 * never block the writer or a reader. The WAL stays bounded: once a checkpoint has copied it all,
 * the writer's next transaction starts it again from the beginning.
 */
export interface WalCheckpointer {
  /**
   * Called by the writer after each commit: starts the thread once the WAL has reached the size
   * at which it starts. (Not a timer: a load on one thread may never let the event loop turn.)
   */
  afterCommit(): void;
  /** Runs a last checkpoint, stops the thread, and gives the connection its own checkpoints back. */
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
  /** Told once if the thread fails; the connection then checkpoints itself again. */
  readonly onFailure?: (message: string) => void;
}

export type CheckpointerMessage = { readonly type: 'finished' } | { readonly type: 'failed'; readonly message: string };

/**
 * Stops `db` checkpointing itself until finish(), and checkpoints its file from a thread
 * meanwhile. A database in memory, or not in WAL mode, is left as it is. If the thread cannot
 * open the file or a checkpoint fails, `db` checkpoints itself again at once: the load goes on as
 * it would have without.
 */
export const startWalCheckpointer = (db: Database.Database, options: WalCheckpointerOptions = {}): WalCheckpointer => {
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return { afterCommit: () => {}, finish: async () => {} };
  const own = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const everyMs = options.everyMs ?? 20;
  const startAt = options.startAt ?? own * (db.pragma('page_size', { simple: true }) as number);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${own}`);
  };
  let worker: Worker | null = null;
  let ended: Promise<void> = Promise.resolve();
  const start = () => {
    const w = new Worker(compiledBeside(__dirname, 'wal-checkpointer-thread.js'), { workerData: { file: db.name, everyMs } });
    // A caller that never calls finish() does not keep the process alive with it.
    w.unref();
    worker = w;
    ended = new Promise<void>((resolve) => {
      const failed = (message: string) => {
        if (!restored) options.onFailure?.(message);
        restore();
      };
      w.on('message', (m: CheckpointerMessage) => {
        if (m.type === 'failed') failed(m.message);
      });
      w.on('error', (e) => failed(`the checkpointing thread failed: ${e.message}`));
      w.on('exit', () => {
        restore();
        resolve();
      });
    });
  };
  const walSize = () => {
    try {
      return statSync(`${db.name}-wal`).size;
    } catch {
      return 0;
    }
  };
  db.pragma('wal_autocheckpoint = 0');
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
