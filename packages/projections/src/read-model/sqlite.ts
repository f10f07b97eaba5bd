import type Database from 'better-sqlite3';
import { sqliteDriver } from './sqlite-driver';
import type { LedgerEventData, PlanFrame, TargetSetData } from '@minsheng/core';
import { batchSpan, throughOf, type Batch } from './index-rows';
import type { ApplyOutcome, ReadModelWriter } from './projection';
import { figureVersion, recorded, retraction, type Row } from './row-mapping';
import type { FigureVersion, ReadModelReader } from './rows';
import { gatheredByMoment } from './gathered-figures';
import { effectiveFigure, effectiveFiguresSql } from './sqlite-in-force';
import type { SqliteProjectionTx } from '../definition';
import { ledgerIndexSqlite } from './ledger-index-definition';
import { sqliteIndexWriter } from './ledger-index-sqlite';
import { startWalCheckpointer, type WalCheckpointer } from '../wal-checkpointer';
import {
  DEFAULT_PREFIX,
  READ_MODEL_DDL,
  READ_MODEL_PAGE_SIZE,
  READ_MODEL_SCHEMA_VERSION,
  READ_MODEL_TABLES,
  readModelCheckpointPages,
  withPrefix,
} from './sqlite-schema';

export interface SqliteReadModelOptions {
  /** A file path (the ledger's own file is fine: tables are prefixed rm_), or ':memory:'. */
  readonly file?: string;
  /** An open connection; left open by close(). Its page size and checkpoints are the caller's. */
  readonly db?: Database.Database;
  /**
   * The page size, in bytes, of a file this read model creates (default READ_MODEL_PAGE_SIZE,
   * 16 KB: a rebuild runs about 5% faster than at SQLite's 4 KB). A file that exists keeps its
   * own. To share a new file with the event store, open the store first (it creates the file
   * with 4 KB pages, which its durable appends are measured with), or give 4096.
   */
  readonly pageSize?: number;
  /** Table prefix (default rm_): a rebuild beside the live read model uses another one. */
  readonly prefix?: string;
  /** Lease times come from this clock (default the system clock). */
  readonly now?: () => number;
  /**
   * Whether views of the present read each pair's figure in force from its row (default true).
   * False runs the effective-figure query for every pair, as before version 4: the bench's "before".
   */
  readonly inForceRows?: boolean;
}

export interface SqliteReadModel {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
  close(): void;
}

export class ReadModelVersionError extends Error {}

/** A batch could not be applied; nothing of it was committed. */
export class ReadModelError extends Error {}

/** The bulk load running on a connection, if one is: its WAL checkpoints run in a thread of their own. */
const bulkLoads = new WeakMap<Database.Database, WalCheckpointer>();

/** The ledger index in SQLite: rows and checkpoint commit in one IMMEDIATE transaction. */
export const createSqliteReadModel = (options: SqliteReadModelOptions): SqliteReadModel => {
  const owned = !options.db;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9_]*_$/.test(prefix)) throw new RangeError(`read-model prefix "${prefix}" must be lower-case letters, digits and underscores, ending in _`);
  const clockNow = options.now ?? Date.now;
  const pageSize = options.pageSize ?? READ_MODEL_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0)
    throw new RangeError(`read-model pageSize must be a power of two from 512 to 65536, not ${String(pageSize)}`);
  const db = options.db ?? new (sqliteDriver())(options.file ?? ':memory:');
  const sql = (text: string) => withPrefix(text, prefix);
  const prep = (text: string) => db.prepare(sql(text));
  /** Creates whatever of the read model's tables and indexes is missing (all are IF NOT EXISTS). */
  const createMissing = () => db.exec(sql(READ_MODEL_DDL));
  // A file of its own that does not exist yet gets larger pages (before anything creates it).
  if (owned && !db.memory && db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  if (owned) db.pragma(`wal_autocheckpoint = ${readModelCheckpointPages(db.pragma('page_size', { simple: true }) as number)}`);
  // Index pages of a large ledger stay in memory: inserts into four b-trees per figure are then CPU-bound.
  db.pragma('cache_size = -65536');
  const storedVersion = (): string | undefined =>
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`${prefix}meta`) === undefined
      ? undefined
      : (prep(`SELECT value FROM rm_meta WHERE key = 'schema_version'`).pluck().get() as string | undefined);
  const version = storedVersion();
  if (version !== undefined && Number(version) > READ_MODEL_SCHEMA_VERSION)
    throw new ReadModelVersionError(
      `the read model in this file has schema version ${version}, newer than this library's ${READ_MODEL_SCHEMA_VERSION}; upgrade Minsheng Ledger`,
    );
  db.transaction(() => {
    // Checked again under the write lock: another process may have upgraded it meanwhile.
    const found = storedVersion();
    // An older read model holds nothing the log does not: its tables are dropped, and the next
    // catch-up rebuilds them from position 0 (its checkpoints go with them).
    if (found !== undefined && Number(found) < READ_MODEL_SCHEMA_VERSION)
      for (const t of ['rm_meta', 'rm_checkpoints', 'rm_leases', ...READ_MODEL_TABLES]) db.exec(sql(`DROP TABLE IF EXISTS ${t}`));
    createMissing();
    prep(`INSERT OR IGNORE INTO rm_meta (key, value) VALUES ('schema_version', ?)`).run(String(READ_MODEL_SCHEMA_VERSION));
  }).immediate();

  // The index's rows are written by its projection's handler (ledger-index-definition.ts), rows
  // made in reader threads by the same writer: one write path, prepared once per connection.
  const table = (name: string) => `${prefix}${name}`;
  const tx: SqliteProjectionTx = { db, table };
  const rowWriter = sqliteIndexWriter(db, table);
  const getCheckpoint = prep(`SELECT position FROM rm_checkpoints WHERE projection = ?`).pluck();
  const initCheckpoint = prep(
    `INSERT OR IGNORE INTO rm_checkpoints (projection, position, updated_at) VALUES (?, 0, ?)`,
  );
  const moveCheckpoint = prep(
    `UPDATE rm_checkpoints SET position = ?, updated_at = ? WHERE projection = ? AND position = ?`,
  );

  const leaseHeld = prep(`SELECT 1 FROM rm_leases WHERE projection = ? AND owner = ? AND expires_at > ?`);
  const takeLease = prep(
    `INSERT INTO rm_leases (projection, owner, expires_at) VALUES (@projection, @owner, @expires)
     ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE rm_leases.owner = excluded.owner OR rm_leases.expires_at <= @now`,
  );
  const dropLease = prep(`DELETE FROM rm_leases WHERE projection = ? AND owner = ?`);

  // A batch comes as events (applyBatch: the projection's handler makes their rows) or as rows made
  // from them in reader threads (applyRows); both are written by the same writer.
  const applyTx = db.transaction(
    (projection: string, expected: number, through: number, batch: Batch, owner?: string): ApplyOutcome => {
      if (owner !== undefined && leaseHeld.get(projection, owner, clockNow()) === undefined) return 'lease-lost';
      initCheckpoint.run(projection, new Date().toISOString());
      if (moveCheckpoint.run(through, new Date().toISOString(), projection, expected).changes !== 1) return 'checkpoint-moved';
      if (batch.rows) rowWriter.write(batch.rows);
      else ledgerIndexSqlite.handle(batch.events, tx);
      return 'applied';
    },
  );

  const apply = async (projection: string, expected: number, through: number, batch: Batch, owner?: string): Promise<ApplyOutcome> => {
    let outcome: ApplyOutcome;
    try {
      outcome = applyTx.immediate(projection, expected, through, batch, owner);
    } catch (e) {
      throw new ReadModelError(`${projection}: applying ${batchSpan(expected, through)} failed: ${(e as Error).message}`, { cause: e });
    }
    bulkLoads.get(db)?.afterCommit();
    return outcome;
  };

  const writer: ReadModelWriter = {
    applyBatch: (projection, expected, events, owner) => apply(projection, expected, throughOf(events, expected), { events }, owner),
    applyRows: (projection, expected, through, rows, owner) => apply(projection, expected, through, { rows }, owner),
    acquireLease: async (projection, owner, ttlMs) => {
      const now = clockNow();
      return db.transaction(() => takeLease.run({ projection, owner, expires: now + ttlMs, now }).changes === 1).immediate();
    },
    releaseLease: async (projection, owner) => {
      dropLease.run(projection, owner);
    },
    // During a bulk load a thread checkpoints the WAL and the connection itself four times less
    // often (see wal-checkpointer.ts). From 0 it also drops the lookup index, the one a log of
    // interleaved reports inserts into all over (the others grow at their end), and builds it by
    // sorting once at the end: about 1 µs a figure.
    withBulkLoad: async (load, { fromZero }) => {
      // A bulk load that starts while another runs on this connection (through this read model or
      // another on the same connection) leaves the checkpoints to that one.
      const checkpointer = bulkLoads.has(db) ? null : startWalCheckpointer(db);
      if (checkpointer) bulkLoads.set(db, checkpointer);
      try {
        if (!fromZero) return await load();
        db.exec(sql(`DROP INDEX IF EXISTS rm_figures_lookup`));
        let loaded;
        try {
          loaded = await load();
        } catch (e) {
          // The load's failure is the one to report; the index is built on the next open if not now.
          // The pairs its batches left stale are read again with it: a caller may go on batch by batch.
          try {
            createMissing();
            db.transaction(rowWriter.refreshStale).immediate();
          } catch {
            /* reported by the next open, which builds it */
          }
          throw e;
        }
        createMissing();
        db.transaction(rowWriter.refreshStale).immediate();
        return loaded;
      } finally {
        // Registered until its last checkpoint is done and the connection checkpoints itself again.
        if (checkpointer) await checkpointer.finish().finally(() => bulkLoads.delete(db));
      }
    },
    ensureIndexes: async () => {
      if (bulkLoads.has(db)) return;
      createMissing();
      db.transaction(rowWriter.refreshStale).immediate();
    },
    reset: async (projection) => {
      db.transaction(() => {
        for (const t of READ_MODEL_TABLES) prep(`DELETE FROM ${t}`).run();
        prep(`DELETE FROM rm_checkpoints WHERE projection = ?`).run(projection);
      }).immediate();
    },
  };

  const q = {
    planIds: prep(`SELECT DISTINCT plan_id FROM rm_plans ORDER BY plan_id`).pluck(),
    projections: prep(
      `SELECT c.projection, c.position, c.updated_at, l.owner, l.expires_at FROM rm_checkpoints c
       LEFT JOIN rm_leases l ON l.projection = c.projection
       UNION SELECT l.projection, NULL, NULL, l.owner, l.expires_at FROM rm_leases l
       WHERE l.projection NOT IN (SELECT projection FROM rm_checkpoints) ORDER BY 1`,
    ),
    frame: prep(
      `SELECT * FROM rm_plans WHERE plan_id = ? AND recorded_at <= ? ORDER BY position DESC LIMIT 1`,
    ),
    targets: prep(
      `SELECT t.* FROM rm_targets t WHERE t.plan_id = @plan AND t.recorded_at <= @knownAt
         AND (@metrics IS NULL OR t.metric IN (SELECT value FROM json_each(@metrics)))
         AND NOT EXISTS (SELECT 1 FROM rm_targets n WHERE n.plan_id = t.plan_id AND n.metric = t.metric
                         AND n.recorded_at <= @knownAt AND n.position > t.position)
       ORDER BY t.task, t.position`,
    ),
    effective: prep(effectiveFiguresSql(options.inForceRows ?? true)).raw(),
    historyPlace: prep(
      `SELECT v.*, p.plan_id, p.metric, p.place FROM rm_figures v JOIN rm_pairs p ON p.id = v.pair
       WHERE p.plan_id = ? AND p.metric = ? AND p.place = ? ORDER BY v.position`,
    ),
    historyAll: prep(
      `SELECT v.*, p.plan_id, p.metric, p.place FROM rm_figures v JOIN rm_pairs p ON p.id = v.pair
       WHERE p.plan_id = ? AND p.metric = ? ORDER BY v.position`,
    ),
    versionsOf: prep(
      `SELECT v.*, p.plan_id, p.metric, p.place FROM rm_figures v JOIN rm_pairs p ON p.id = v.pair
       WHERE v.report_position IN (SELECT position FROM rm_figures WHERE event_id IN (SELECT value FROM json_each(?))) ORDER BY v.position`,
    ),
    retractionsOfReports: prep(`SELECT * FROM rm_retractions WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY position`),
    retractionsOf: prep(
      `SELECT x.* FROM rm_retractions x JOIN rm_figures r ON r.event_id = x.report_id JOIN rm_pairs p ON p.id = r.pair
       WHERE p.plan_id = ? AND p.metric = ? AND (? IS NULL OR p.place = ?) ORDER BY x.position`,
    ),
    completions: prep(`SELECT * FROM rm_completions WHERE plan_id = ? AND recorded_at <= ? ORDER BY position`),
    missed: prep(`SELECT * FROM rm_missed WHERE plan_id = ? AND recorded_at <= ? ORDER BY position`),
    reportedBy: prep(
      `SELECT 1 FROM rm_figures WHERE pair IN (SELECT id FROM rm_pairs WHERE plan_id = ? AND metric = ?)
         AND kind = 'report' AND recorded_at <= ? LIMIT 1`,
    ),
    hashAt: prep(
      ['rm_plans', 'rm_targets', 'rm_figures', 'rm_retractions', 'rm_completions', 'rm_missed']
        .map((t) => `SELECT hash FROM ${t} WHERE position = @position`)
        .join(' UNION ALL '),
    ).pluck(),
    findReport: prep(`SELECT v.*, p.plan_id, p.metric, p.place FROM rm_figures v JOIN rm_pairs p ON p.id = v.pair WHERE v.event_id = ?`),
  };

  // A snapshot's calls, one a metric in the same tick, are answered by one statement (see gatheredByMoment).
  const effectiveFigures = gatheredByMoment(async (plan, metrics, at) => {
    const byMetric = new Map<string, FigureVersion[]>(metrics.map((m) => [m, []]));
    for (const r of q.effective.all({ plan, metrics: JSON.stringify(metrics), asOf: at.asOf, knownAt: at.knownAt }) as unknown[][])
      byMetric.get(r[0] as string)!.push(effectiveFigure(plan, r));
    return byMetric;
  });

  const reader: ReadModelReader = {
    checkpoint: async (projection = 'ledger-index') => (getCheckpoint.get(projection) as number | undefined) ?? 0,
    planIds: async () => q.planIds.all() as string[],
    projections: async () =>
      (q.projections.all() as Row[]).map((r) => ({
        projection: r.projection as string,
        checkpoint: (r.position as number | null) ?? 0,
        updatedAt: (r.updated_at as string | null) ?? null,
        owner: (r.owner as string | null) ?? null,
        leaseExpiresAt: (r.expires_at as number | null) ?? null,
      })),
    frame: async (plan, knownAt) => {
      const r = q.frame.get(plan, knownAt) as Row | undefined;
      return r ? recorded<PlanFrame>(r) : null;
    },
    targets: async (plan, knownAt, metrics) =>
      (q.targets.all({ plan, knownAt, metrics: metrics ? JSON.stringify(metrics) : null }) as Row[]).map((r) => recorded<TargetSetData>(r)),
    effectiveFigures: (plan, metric, at) => effectiveFigures.get(plan, metric, at),
    reports: async (ids) => ({
      versions: (q.versionsOf.all(JSON.stringify(ids)) as Row[]).map(figureVersion),
      retractions: (q.retractionsOfReports.all(JSON.stringify(ids)) as Row[]).map(retraction),
    }),
    history: async (plan, metric, place) => ({
      versions: ((place === null ? q.historyAll.all(plan, metric) : q.historyPlace.all(plan, metric, place)) as Row[]).map(
        figureVersion,
      ),
      retractions: (q.retractionsOf.all(plan, metric, place, place) as Row[]).map(retraction),
    }),
    completions: async (plan, knownAt) =>
      (q.completions.all(plan, knownAt) as Row[]).map((r) => recorded<LedgerEventData<'TaskCompleted'>>(r)),
    missed: async (plan, knownAt) =>
      (q.missed.all(plan, knownAt) as Row[]).map((r) => recorded<LedgerEventData<'DeadlineMissed'>>(r)),
    reportedBy: async (plan, metric, before) => q.reportedBy.get(plan, metric, before) !== undefined,
    hashAt: async (position) => (q.hashAt.get({ position }) as string | undefined) ?? null,
    findReport: async (eventId) => {
      const r = q.findReport.get(eventId) as Row | undefined;
      return r ? figureVersion(r) : null;
    },
    // data_version moves when another connection commits to the file (a hand edit, another
    // process's worker), not for this connection's own writes, which move the checkpoint.
    changeMark: async () => String(db.pragma('data_version', { simple: true })),
  };

  return {
    reader,
    writer,
    close: () => {
      if (owned && db.open) db.close();
    },
  };
};
