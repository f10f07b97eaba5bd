import type Database from 'better-sqlite3';
import { sqliteDriver } from './sqlite-driver';
import type { LedgerEventData, PlanFrame, TargetSetData } from '@minsheng/core';
import { batchSpan, rowsOf, throughOf, type FigureRow, type IndexRow } from './index-rows';
import type { ApplyOutcome, ReadModelWriter } from './projection';
import { figureVersion, recorded, retraction, type Row } from './row-mapping';
import type { FigureVersion, ReadModelReader } from './rows';
import { gatheredByMoment } from './gathered-figures';
import { afterAmendment, afterReport, type InForce } from './in-force';
import { effectiveFigure, effectiveFiguresSql, sqliteInForce } from './sqlite-in-force';
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

  // Figures, nearly every event, are bound by position: binding seventeen named parameters from
  // an object costs about 2.4 µs a row more (measured). The rarer tables bind by name.
  const insert: Record<Exclude<IndexRow['table'], 'figures'>, Database.Statement> = {
    plans: prep(
      `INSERT INTO rm_plans (position, plan_id, event_id, recorded_at, hash, data) VALUES (@position, @plan_id, @event_id, @recorded_at, @hash, @data)`,
    ),
    targets: prep(
      `INSERT INTO rm_targets (position, plan_id, task, metric, event_id, recorded_at, hash, data)
       VALUES (@position, @plan_id, @task, @metric, @event_id, @recorded_at, @hash, @data)`,
    ),
    retractions: prep(
      `INSERT INTO rm_retractions (position, event_id, report_id, recorded_at, reason, unit, person, hash)
       VALUES (@position, @event_id, @report_id, @recorded_at, @reason, @unit, @person, @hash)`,
    ),
    completions: prep(
      `INSERT INTO rm_completions (position, plan_id, task, event_id, recorded_at, hash, data)
       VALUES (@position, @plan_id, @task, @event_id, @recorded_at, @hash, @data)`,
    ),
    missed: prep(
      `INSERT INTO rm_missed (position, plan_id, task, metric, deadline, event_id, recorded_at, hash, data)
       VALUES (@position, @plan_id, @task, @metric, @deadline, @event_id, @recorded_at, @hash, @data)`,
    ),
  };
  const FIGURE_COLUMNS = `position, event_id, kind, report_id, report_position, pair, task, as_of, recorded_at, figure, unit,
       person, source, reason, hash`;
  // better-sqlite3 binds only plain ? by position (not ?NNN), so a value used twice is passed twice.
  const insertReport = prep(`INSERT INTO rm_figures (${FIGURE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // A correction sorts and is found with the report it corrects: it takes that report's position and
  // pair. (A correction of a report the index lacks, which the decider never writes, gets pair 0,
  // no pair: the queries, which take plan, metric and place from the pair, do not see it.)
  const insertCorrection = prep(
    `INSERT INTO rm_figures (${FIGURE_COLUMNS})
     SELECT ?, ?, ?, ?, COALESCE(r.position, ?), COALESCE(r.pair, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?
     FROM (SELECT 1) LEFT JOIN rm_figures r ON r.event_id = ? RETURNING pair`,
  ).pluck();
  const addReport = (r: FigureRow, pair: number) =>
    insertReport.run(r.position, r.event_id, r.kind, r.report_id, r.position, pair, r.task, r.as_of, r.recorded_at, r.figure, r.unit,
      r.person, r.source, r.reason, r.hash);
  const addCorrection = (r: FigureRow): number =>
    insertCorrection.get(r.position, r.event_id, r.kind, r.report_id, r.position, r.task, r.as_of, r.recorded_at, r.figure, r.unit,
      r.person, r.source, r.reason, r.hash, r.report_id) as number;
  // The first report of a (plan, metric, place) in log order sets first_recorded_at.
  const insertPair = prep(
    `INSERT INTO rm_pairs (plan_id, metric, place, first_recorded_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (plan_id, metric, place) DO NOTHING`,
  );
  const pairId = prep(`SELECT id FROM rm_pairs WHERE plan_id = ? AND metric = ? AND place = ?`).pluck();
  const pairOfReport = prep(`SELECT pair FROM rm_figures WHERE event_id = ?`).pluck();
  const inForce = sqliteInForce(db, prep, `${prefix}figures_lookup`);
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

  const applyTx = db.transaction((projection: string, expected: number, through: number, rows: readonly IndexRow[], owner?: string): ApplyOutcome => {
    if (owner !== undefined && leaseHeld.get(projection, owner, clockNow()) === undefined) return 'lease-lost';
    initCheckpoint.run(projection, new Date().toISOString());
    if (moveCheckpoint.run(through, new Date().toISOString(), projection, expected).changes !== 1) return 'checkpoint-moved';
    // Each (plan, metric, place) is offered to rm_pairs once a batch, before its first figure; its id
    // is then remembered for the batch (only this transaction can change rm_pairs meanwhile). By
    // place, metric and plan, each a key of its own: a key joined from the three was a new string
    // to hash for every figure (0.3–0.5 µs a figure; 0.05 µs so, measured).
    const pairs = new Map<string, Map<string, Map<string, number>>>();
    // Each touched pair's figure in force, by pair id, written once at the end of the batch.
    const states = new Map<number, InForce>();
    const stateOf = (id: number): InForce => {
      let s = states.get(id);
      if (s === undefined) states.set(id, (s = inForce.load(id)));
      return s;
    };
    for (const r of rows) {
      if (r.table !== 'figures') {
        insert[r.table].run(r.row);
        if (r.table === 'retractions') {
          const pair = pairOfReport.get(r.row.report_id) as number | undefined;
          if (pair) afterAmendment(stateOf(pair), r.row.position, r.row.recorded_at);
        }
        continue;
      }
      if (r.row.kind !== 'report') {
        // Pair 0: a correction of a report the index lacks, which no query sees.
        const pair = addCorrection(r.row);
        if (pair) afterAmendment(stateOf(pair), r.row.position, r.row.recorded_at);
        continue;
      }
      let metrics = pairs.get(r.row.place);
      if (metrics === undefined) pairs.set(r.row.place, (metrics = new Map()));
      let plans = metrics.get(r.row.metric);
      if (plans === undefined) metrics.set(r.row.metric, (plans = new Map()));
      let pair = plans.get(r.row.plan_id);
      if (pair === undefined) {
        insertPair.run(r.row.plan_id, r.row.metric, r.row.place, r.row.recorded_at);
        pair = pairId.get(r.row.plan_id, r.row.metric, r.row.place) as number;
        plans.set(r.row.plan_id, pair);
      }
      addReport(r.row, pair);
      afterReport(stateOf(pair), r.row.position, r.row.as_of, r.row.recorded_at);
    }
    inForce.saveAll(states);
    return 'applied';
  });

  const applyRows: ReadModelWriter['applyRows'] = async (projection, expected, through, rows, owner) => {
    let outcome: ApplyOutcome;
    try {
      outcome = applyTx.immediate(projection, expected, through, rows, owner);
    } catch (e) {
      throw new ReadModelError(`${projection}: applying ${batchSpan(expected, through)} failed: ${(e as Error).message}`, { cause: e });
    }
    bulkLoads.get(db)?.afterCommit();
    return outcome;
  };

  const writer: ReadModelWriter = {
    applyBatch: (projection, expected, events, owner) => applyRows(projection, expected, throughOf(events, expected), rowsOf(events), owner),
    applyRows,
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
            db.transaction(inForce.refreshStale).immediate();
          } catch {
            /* reported by the next open, which builds it */
          }
          throw e;
        }
        createMissing();
        db.transaction(inForce.refreshStale).immediate();
        return loaded;
      } finally {
        // Registered until its last checkpoint is done and the connection checkpoints itself again.
        if (checkpointer) await checkpointer.finish().finally(() => bulkLoads.delete(db));
      }
    },
    ensureIndexes: async () => {
      if (bulkLoads.has(db)) return;
      createMissing();
      db.transaction(inForce.refreshStale).immediate();
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
