import type { EventStore } from './port';

/**
 * How another thread opens the same event store: a store object cannot cross threads, so a
 * thread gets a compiled CommonJS module to load and the arguments to call it with.
 * `@minsheng/store-sqlite` has one (sqliteStoreOpener); an embedding service can write its own.
 */
export interface StoreOpener {
  /** Absolute path of a compiled module that exports `openEventStore(args)`. */
  readonly module: string;
  /** Structured-cloneable arguments for it: a file path, a connection string. */
  readonly args: unknown;
}

/** What a StoreOpener's module exports. */
export type OpenEventStore = (args: never) => EventStore | Promise<EventStore>;

/**
 * The compiled file beside this one: workspace tests run sources from src/, but a thread can
 * only load JavaScript, which `tsc -b` writes to dist/.
 */
export const compiledBeside = (dirname: string, file: string): string => `${dirname.replace(/([\\/])src$/, '$1dist')}/${file}`;
