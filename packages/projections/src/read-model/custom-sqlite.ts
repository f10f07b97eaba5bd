import type { LedgerEventType, StoredEvent } from '@minsheng/core';
import type Database from 'better-sqlite3';
import { checkPrefix, defaultPrefix, filterOf, handles, prefixedTable, ProjectionDefinitionError, type ProjectionDefinition, type SqliteProjectionTx } from '../definition';
import { batchSpan, throughOf } from './index-rows';
import type { ApplyOutcome, ProjectionModel, ProjectionReader, ProjectionWriter, ScannedThrough } from './projection';
import { sqliteDriver } from './sqlite-driver';
import { ReadModelError, ReadModelVersionError } from './sqlite';

export interface SqliteProjectionOptions {
  /** A file path (the ledger's own file or the read model's is fine: tables are prefixed), or ':memory:'. */
  readonly file?: string;
  /** An open connection; left open by close(). */
  readonly db?: Database.Database;
  /** Table prefix (default: the name with _ for -, then _): a blue/green rebuild uses another one. */
  readonly prefix?: string;
  /** Lease times come from this clock (default the system clock). */
  readonly now?: () => number;
}

export interface SqliteProjection extends ProjectionModel {
  readonly projection: string;
  readonly reader: ProjectionReader;
  readonly writer: ProjectionWriter;
  /** The prefix of its tables in this version. */
  readonly prefix: string;
  /** The name of one of its tables in this version (for queries). */
  table(name: string): string;
  readonly db: Database.Database;
  close(): void;
}

/**
 * A user's projection on SQLite, as the runner runs the ledger index: each batch's handler
 * writes and the checkpoint moves in one IMMEDIATE transaction, guarded by a compare-and-set on
 * the checkpoint and, for a worker, by its lease. The checkpoint row keeps the hash of the
 * event it moved to, so checkReadModel finds a log that lost events this projection applied.
 */
export const createSqliteProjection = <T extends LedgerEventType>(
  def: ProjectionDefinition<T>,
  options: SqliteProjectionOptions = {},
): SqliteProjection => {
  const engine = def.sqlite;
  if (!engine) throw new ProjectionDefinitionError(`projection ${def.name} gives no sqlite handler: it cannot run on SQLite`);
  const prefix = checkPrefix(options.prefix ?? defaultPrefix(def));
  const owned = !options.db;
  const clockNow = options.now ?? Date.now;
  const db = options.db ?? new (sqliteDriver())(options.file ?? ':memory:');
  if (owned) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 10000');
  const table = (name: string) => prefixedTable(def, prefix, name);
  // The names the schema gives its tables and indexes: what an upgrade drops and a reset empties.
  const named = new Set<string>();
  const ddl = engine.schema((name) => {
    const t = table(name);
    named.add(t);
    return t;
  });
  const meta = `${prefix}meta`;
  const checkpoints = `${prefix}checkpoints`;
  const leases = `${prefix}leases`;
  const own = `
    CREATE TABLE IF NOT EXISTS ${meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ${checkpoints} (
      projection TEXT PRIMARY KEY, position INTEGER NOT NULL, hash TEXT, updated_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS ${leases} (projection TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);`;
  const storedVersion = (): number | undefined => {
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(meta) === undefined) return undefined;
    const v = db.prepare(`SELECT value FROM ${meta} WHERE key = 'version'`).pluck().get() as string | undefined;
    return v === undefined ? undefined : Number(v);
  };
  const tablesOf = () =>
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]).filter((n) => named.has(n));
  db.transaction(() => {
    const found = storedVersion();
    if (found !== undefined && found > def.version)
      throw new ReadModelVersionError(
        `projection ${def.name} (${prefix}) was built by its version ${found}, newer than this definition's ${def.version}; upgrade the code that defines it`,
      );
    // An older version's tables hold nothing the log does not: dropped, and rebuilt from position 0.
    if (found !== undefined && found < def.version) for (const t of [...tablesOf(), checkpoints, leases]) db.exec(`DROP TABLE IF EXISTS ${t}`);
    db.exec(own);
    db.exec(ddl);
    db.prepare(`INSERT INTO ${meta} (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
      String(def.version),
    );
  }).immediate();

  const getCheckpoint = db.prepare(`SELECT position FROM ${checkpoints} WHERE projection = ?`).pluck();
  const hashAt = db.prepare(`SELECT hash FROM ${checkpoints} WHERE position = ? AND position > 0`).pluck();
  const initCheckpoint = db.prepare(`INSERT OR IGNORE INTO ${checkpoints} (projection, position, updated_at) VALUES (?, 0, ?)`);
  const moveCheckpoint = db.prepare(
    `UPDATE ${checkpoints} SET position = ?, hash = ?, updated_at = ? WHERE projection = ? AND position = ?`,
  );
  const leaseHeld = db.prepare(`SELECT 1 FROM ${leases} WHERE projection = ? AND owner = ? AND expires_at > ?`);
  const takeLease = db.prepare(
    `INSERT INTO ${leases} (projection, owner, expires_at) VALUES (@projection, @owner, @expires)
     ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE ${leases}.owner = excluded.owner OR ${leases}.expires_at <= @now`,
  );
  const dropLease = db.prepare(`DELETE FROM ${leases} WHERE projection = ? AND owner = ?`);
  const tx: SqliteProjectionTx = { db, table };
  const wanted = handles(def);

  const applyTx = db.transaction((projection: string, expected: number, events: readonly StoredEvent[], owner?: string, through?: ScannedThrough): ApplyOutcome => {
    if (owner !== undefined && leaseHeld.get(projection, owner, clockNow()) === undefined) return 'lease-lost';
    const now = new Date().toISOString();
    initCheckpoint.run(projection, now);
    const last = events[events.length - 1];
    const [position, hash] = through ? [through.position, through.hash] : [throughOf(events, expected), last?.hash ?? null];
    if (moveCheckpoint.run(position, hash, now, projection, expected).changes !== 1) return 'checkpoint-moved';
    const mine = events.filter(wanted);
    if (mine.length > 0) engine.handle(mine, tx);
    return 'applied';
  });

  const writer: ProjectionWriter = {
    applyBatch: async (projection, expected, events, owner, through) => {
      try {
        return applyTx.immediate(projection, expected, events, owner, through);
      } catch (e) {
        throw new ReadModelError(`${projection}: applying ${batchSpan(expected, through?.position ?? throughOf(events, expected))} failed: ${(e as Error).message}`, {
          cause: e,
        });
      }
    },
    acquireLease: async (projection, owner, ttlMs) => {
      const now = clockNow();
      return db.transaction(() => takeLease.run({ projection, owner, expires: now + ttlMs, now }).changes === 1).immediate();
    },
    releaseLease: async (projection, owner) => {
      dropLease.run(projection, owner);
    },
    reset: async (projection) => {
      db.transaction(() => {
        for (const t of tablesOf()) db.exec(`DELETE FROM ${t}`);
        db.prepare(`DELETE FROM ${checkpoints} WHERE projection = ?`).run(projection);
      }).immediate();
    },
  };
  const reader: ProjectionReader = {
    checkpoint: async (projection = def.name) => (getCheckpoint.get(projection) as number | undefined) ?? 0,
    hashAt: async (position) => (hashAt.get(position) as string | null | undefined) ?? null,
  };
  return {
    projection: def.name,
    filter: filterOf(def),
    reader,
    writer,
    prefix,
    table,
    db,
    close: () => {
      if (owned && db.open) db.close();
    },
  };
};
