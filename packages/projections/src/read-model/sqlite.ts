import Database from 'better-sqlite3';
import type { LedgerEventData, PlanFrame, StoredEvent, TargetSetData } from '@minsheng/core';
import { indexRows, type IndexRow } from './index-rows';
import type { ApplyOutcome, ReadModelWriter } from './projection';
import { figureVersion, recorded, retraction, type Row } from './row-mapping';
import type { AsOf, ReadModelReader } from './rows';
import { DEFAULT_PREFIX, READ_MODEL_DDL, READ_MODEL_SCHEMA_VERSION, READ_MODEL_TABLES, withPrefix } from './sqlite-schema';

export interface SqliteReadModelOptions {
  /** A file path (the ledger's own file is fine: tables are prefixed rm_), or ':memory:'. */
  readonly file?: string;
  /** An open connection; left open by close(). */
  readonly db?: Database.Database;
  /** Table prefix (default rm_): a rebuild beside the live read model uses another one. */
  readonly prefix?: string;
  /** Lease times come from this clock (default the system clock). */
  readonly now?: () => number;
}

export interface SqliteReadModel {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
  close(): void;
}

export class ReadModelVersionError extends Error {}

/** A batch could not be applied; nothing of it was committed. */
export class ReadModelError extends Error {}

/** The ledger index in SQLite: rows and checkpoint commit in one IMMEDIATE transaction. */
export const createSqliteReadModel = (options: SqliteReadModelOptions): SqliteReadModel => {
  const owned = !options.db;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9_]*_$/.test(prefix)) throw new RangeError(`read-model prefix "${prefix}" must be lower-case letters, digits and underscores, ending in _`);
  const clockNow = options.now ?? Date.now;
  const db = options.db ?? new Database(options.file ?? ':memory:');
  const sql = (text: string) => withPrefix(text, prefix);
  const prep = (text: string) => db.prepare(sql(text));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  // Index pages of a large ledger stay in memory: inserts into four b-trees per figure are then CPU-bound.
  db.pragma('cache_size = -65536');
  const version = (() => {
    try {
      return prep(`SELECT value FROM rm_meta WHERE key = 'schema_version'`).pluck().get() as string | undefined;
    } catch {
      return undefined;
    }
  })();
  if (version !== undefined && Number(version) > READ_MODEL_SCHEMA_VERSION)
    throw new ReadModelVersionError(
      `the read model in this file has schema version ${version}, newer than this library's ${READ_MODEL_SCHEMA_VERSION}; upgrade Minsheng Ledger`,
    );
  db.exec(sql(READ_MODEL_DDL));
  prep(`INSERT OR IGNORE INTO rm_meta (key, value) VALUES ('schema_version', ?)`).run(String(READ_MODEL_SCHEMA_VERSION));

  const insert: Record<IndexRow['table'], Database.Statement> = {
    plans: prep(
      `INSERT INTO rm_plans (position, plan_id, event_id, recorded_at, hash, data) VALUES (@position, @plan_id, @event_id, @recorded_at, @hash, @data)`,
    ),
    targets: prep(
      `INSERT INTO rm_targets (position, plan_id, task, metric, event_id, recorded_at, hash, data)
       VALUES (@position, @plan_id, @task, @metric, @event_id, @recorded_at, @hash, @data)`,
    ),
    figures: prep(
      `INSERT INTO rm_figures (position, event_id, kind, report_id, report_position, plan_id, task, metric, place, as_of,
         recorded_at, figure, unit, person, source, reason, hash)
       VALUES (@position, @event_id, @kind, @report_id, @position,
         @plan_id, @task, @metric, @place, @as_of, @recorded_at, @figure, @unit, @person, @source, @reason, @hash)`,
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
  // A correction sorts with the report it corrects: it takes that report's position.
  const insertCorrection = prep(
    `INSERT INTO rm_figures (position, event_id, kind, report_id, report_position, plan_id, task, metric, place, as_of,
       recorded_at, figure, unit, person, source, reason, hash)
     VALUES (@position, @event_id, @kind, @report_id,
       COALESCE((SELECT position FROM rm_figures WHERE event_id = @report_id), @position),
       @plan_id, @task, @metric, @place, @as_of, @recorded_at, @figure, @unit, @person, @source, @reason, @hash)`,
  );
  const insertPair = prep(
    `INSERT OR IGNORE INTO rm_pairs (plan_id, metric, place, first_recorded_at) VALUES (?, ?, ?, ?)`,
  );
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

  const applyTx = db.transaction((projection: string, expected: number, events: readonly StoredEvent[], owner?: string): ApplyOutcome => {
    if (owner !== undefined && leaseHeld.get(projection, owner, clockNow()) === undefined) return 'lease-lost';
    initCheckpoint.run(projection, new Date().toISOString());
    const last = events.length ? events[events.length - 1]!.position : expected;
    if (moveCheckpoint.run(last, new Date().toISOString(), projection, expected).changes !== 1) return 'checkpoint-moved';
    for (const e of events) {
      const r = indexRows(e);
      if (!r) continue;
      if (r.table !== 'figures') insert[r.table].run(r.row);
      else if (r.row.kind === 'correction') insertCorrection.run(r.row);
      else {
        insert.figures.run(r.row);
        insertPair.run(r.row.plan_id, r.row.metric, r.row.place, r.row.recorded_at);
      }
    }
    return 'applied';
  });

  const writer: ReadModelWriter = {
    applyBatch: async (projection, expected, events, owner) => {
      try {
        return applyTx.immediate(projection, expected, events, owner);
      } catch (e) {
        const span = events.length ? `${events[0]!.position}..${events[events.length - 1]!.position}` : 'none';
        throw new ReadModelError(`${projection}: applying positions ${span} failed: ${(e as Error).message}`, { cause: e });
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
    places: prep(`SELECT place FROM rm_pairs WHERE plan_id = ? AND metric = ? ORDER BY place`).pluck(),
    effective: prep(
      `SELECT v.* FROM rm_figures v
       WHERE v.plan_id = @plan AND v.metric = @metric AND v.place = @place
         AND v.as_of <= @asOf AND v.recorded_at <= @knownAt
         AND NOT EXISTS (SELECT 1 FROM rm_figures w WHERE w.report_id = v.report_id AND w.position > v.position
                         AND w.recorded_at <= @knownAt)
         AND NOT EXISTS (SELECT 1 FROM rm_retractions x WHERE x.report_id = v.report_id AND x.recorded_at <= @knownAt)
       ORDER BY v.as_of DESC, v.report_position DESC LIMIT 1`,
    ),
    historyPlace: prep(
      `SELECT * FROM rm_figures WHERE plan_id = ? AND metric = ? AND place = ? ORDER BY position`,
    ),
    historyAll: prep(`SELECT * FROM rm_figures WHERE plan_id = ? AND metric = ? ORDER BY position`),
    versionsOf: prep(`SELECT * FROM rm_figures WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY position`),
    retractionsOfReports: prep(`SELECT * FROM rm_retractions WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY position`),
    retractionsOf: prep(
      `SELECT x.* FROM rm_retractions x JOIN rm_figures r ON r.event_id = x.report_id
       WHERE r.plan_id = ? AND r.metric = ? AND (? IS NULL OR r.place = ?) ORDER BY x.position`,
    ),
    completions: prep(`SELECT * FROM rm_completions WHERE plan_id = ? AND recorded_at <= ? ORDER BY position`),
    missed: prep(`SELECT * FROM rm_missed WHERE plan_id = ? AND recorded_at <= ? ORDER BY position`),
    reportedBy: prep(
      `SELECT 1 FROM rm_figures WHERE plan_id = ? AND metric = ? AND kind = 'report' AND recorded_at <= ? LIMIT 1`,
    ),
    findReport: prep(`SELECT * FROM rm_figures WHERE event_id = ?`),
  };

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
    effectiveFigures: async (plan, metric, at: AsOf) =>
      (q.places.all(plan, metric) as string[]).flatMap((place) => {
        const r = q.effective.get({ plan, metric, place, asOf: at.asOf, knownAt: at.knownAt }) as Row | undefined;
        return r ? [figureVersion(r)] : [];
      }),
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
    findReport: async (eventId) => {
      const r = q.findReport.get(eventId) as Row | undefined;
      return r ? figureVersion(r) : null;
    },
  };

  return {
    reader,
    writer,
    close: () => {
      if (owned && db.open) db.close();
    },
  };
};
