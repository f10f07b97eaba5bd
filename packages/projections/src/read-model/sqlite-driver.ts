import type Database from 'better-sqlite3';

/**
 * better-sqlite3, loaded when a SQLite read model is first opened rather than when the package
 * is: it is an optional peer dependency, and a PostgreSQL-only service does not install it.
 */
export const sqliteDriver = (): typeof Database => {
  try {
    return require('better-sqlite3') as typeof Database;
  } catch (e) {
    throw new Error(`a SQLite read model needs better-sqlite3: install it beside @minsheng/projections (${(e as Error).message.split('\n')[0]})`, {
      cause: e,
    });
  }
};
