import Database from 'better-sqlite3';

export type Synchronous = 'full' | 'normal';

export interface ConnectionOptions {
  readonly file?: string;
  readonly db?: Database.Database;
  readonly synchronous?: Synchronous;
  /** How long a writer waits for another connection's write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * Open the file read-only: no migration, no write lock taken, appends refused. For readers
   * beside a writer (a rebuild's reader threads); the file must exist and be current.
   */
  readonly readOnly?: boolean;
}

/**
 * An engine error, told by its SQLITE_* code rather than by `instanceof`: the native addon
 * keeps throwing the SqliteError of the first realm that loaded it (jest gives each test
 * file its own realm), so neither SqliteError nor Error is reliable there.
 */
export const isSqliteError = (err: unknown): err is Error & { code: string } => {
  const code: unknown = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
};

const isBusy = (err: unknown) => isSqliteError(err) && (err.code.startsWith('SQLITE_BUSY') || err.code.startsWith('SQLITE_LOCKED'));

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs an opening step again while another process holds the lock it needs. Switching a
 * new file to WAL and the first migration can meet SQLITE_BUSY without the busy handler
 * being consulted when several processes open the same new file at once.
 */
export const retryWhileBusy = <A>(timeoutMs: number, step: () => A): A => {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      return step();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      pause(wait);
    }
  }
};

/**
 * Opens (or adopts) the store's one connection and sets what its guarantees rest on:
 * WAL, so readers never block the writer and several processes can share the file;
 * a busy timeout, so a writer waits for another process's transaction instead of failing;
 * and the synchronous level (see the README for the FULL/NORMAL trade-off).
 */
export const openConnection = (options: ConnectionOptions): { db: Database.Database; owned: boolean; busyTimeoutMs: number } => {
  const { file, synchronous = 'full' } = options;
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
  if (!options.db && !file) throw new TypeError('createSqliteEventStore needs a file or an open better-sqlite3 db');
  if (options.db && file) throw new TypeError('createSqliteEventStore takes a file or a db, not both');
  if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError(`synchronous must be 'full' or 'normal', not ${String(synchronous)}`);
  if (options.readOnly) {
    let db: Database.Database;
    try {
      db = options.db ?? new Database(file, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new Error(`cannot open ${file} read-only: ${(err as Error).message}`, { cause: err });
    }
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return { db, owned: !options.db, busyTimeoutMs };
  }
  const db = options.db ?? new Database(file);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    retryWhileBusy(busyTimeoutMs, () => {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    });
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  } catch (err) {
    if (!options.db) db.close();
    throw err;
  }
  return { db, owned: !options.db, busyTimeoutMs };
};
