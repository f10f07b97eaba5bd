import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { refusal } from './failure';
import { t } from './language';
import type { MessageKey, Values } from './messages';

const SQLITE_HEADER = 'SQLite format 3\0';

/** The first bytes of a file, or what is there of them. */
const head = (file: string, n: number): Buffer => {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
};

/** Whether this process may write the file and create its journals beside it. */
export const isWritable = (file: string): boolean => {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** Whether the file has a write-ahead log with content beside it (events not yet in the file itself). */
const hasWal = (file: string): boolean => {
  try {
    return statSync(`${file}-wal`).size > 0;
  } catch {
    return false;
  }
};

/**
 * A ledger this process may not write (an auditor's evidence copy: a read-only file in a
 * read-only folder), opened without writing a byte to it. SQLite cannot open a WAL file read-only
 * unless it may create the -shm beside it, so the file is read into memory and opened there, its
 * header marked as not WAL (in the copy only); the read model may catch up in that copy. A file
 * whose -wal holds events is opened read-only in place instead, which SQLite allows when the
 * -shm is there too.
 */
export const openReadOnly = (file: string): Database.Database => {
  if (hasWal(file)) return new Database(file, { readonly: true, fileMustExist: true });
  const bytes = readFileSync(file);
  // Bytes 18 and 19: the file format's write and read versions, 2 for WAL, 1 for a rollback journal.
  if (bytes.length > 19) bytes[18] = bytes[19] = 1;
  return new Database(bytes);
};

/** The tables of a SQLite file, read without writing to it. */
const tablesOf = (file: string): string[] => {
  const db = isWritable(file) ? new Database(file, { readonly: true, fileMustExist: true }) : openReadOnly(file);
  try {
    return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

const notALedger = (file: string, what: MessageKey, values?: Values) => refusal('usage.notALedger', { file, what: t(what, values) });

/**
 * Refuses an existing file that is not a Minsheng ledger (an empty file, a text file, another
 * program's SQLite database) before anything opens it for writing: opening it read-write would
 * create the ledger's tables in it and switch it to WAL. A ledger has the store's tables.
 */
export const checkLedgerFile = (file: string): void => {
  let bytes: Buffer;
  try {
    bytes = head(file, SQLITE_HEADER.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw notALedger(file, 'usage.notALedger.folder');
    // Unreadable: the store's own open says why (permissions, a vanished file).
    return;
  }
  if (bytes.length === 0) throw notALedger(file, 'usage.notALedger.empty');
  if (bytes.toString('latin1') !== SQLITE_HEADER) throw notALedger(file, 'usage.notALedger.notSqlite');
  let tables: string[];
  try {
    tables = tablesOf(file);
  } catch (e) {
    throw notALedger(file, 'usage.notALedger.damaged', { reason: (e as Error).message.split('\n')[0]! });
  }
  if (!tables.includes('events') || !tables.includes('schema_migrations'))
    throw tables.length
      ? notALedger(file, 'usage.notALedger.otherProgram', { tables: `${tables.slice(0, 5).join(t('list.separator'))}${tables.length > 5 ? `${t('list.separator')}…` : ''}` })
      : notALedger(file, 'usage.notALedger.emptySqlite');
};
