import { ledgerRegistry } from '@minsheng/core';
import { compiledBeside, type EventStore, type StoreOpener } from '@minsheng/event-store';
import { resolve } from 'node:path';
import { createSqliteEventStore } from './store';

/** The arguments of this module's openEventStore. */
export interface SqliteOpenerArgs {
  readonly file: string;
}

/**
 * Opens the ledger's SQLite store in another thread (a reader thread of a rebuild), with
 * the ledger's own event registry (what it reads is checked and upcast as in the caller's),
 * read-only: it takes no lock the writer could wait for.
 */
export const openEventStore = (args: SqliteOpenerArgs): EventStore =>
  createSqliteEventStore({ file: args.file, registry: ledgerRegistry, readOnly: true });

/** How other threads open the SQLite ledger in `file` (see StoreOpener). */
export const sqliteStoreOpener = (file: string): StoreOpener => ({
  module: compiledBeside(__dirname, 'opener.js'),
  args: { file: resolve(file) } satisfies SqliteOpenerArgs,
});
