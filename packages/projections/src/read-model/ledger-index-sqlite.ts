import type Database from 'better-sqlite3';
import type { FigureRow, IndexRow } from './index-rows';
import { afterAmendment, afterReport, type InForce } from './in-force';
import { sqliteInForce } from './sqlite-in-force';

/**
 * How the ledger index writes its rows in SQLite, whoever runs it: the built-in read model
 * (createSqliteReadModel, tables rm_*) or createSqliteProjection(ledgerIndexProjection). Its
 * statements name tables as rm_<name>; `table` turns each into the tables being written.
 */
export interface SqliteIndexWriter {
  /** Writes a batch's rows, in log order, inside the caller's transaction. */
  write(rows: readonly IndexRow[]): void;
  /** Reads again every pair a bulk load left stale (inside a transaction, the lookup index built). */
  refreshStale(): void;
}

// Prepared once per connection and set of tables (keyed by the figures table's name): a batch of a
// rebuild prepares nothing. better-sqlite3 prepares a statement again by itself when the schema
// changes (an index dropped by a bulk load, tables dropped by an upgrade).
const writers = new WeakMap<Database.Database, Map<string, SqliteIndexWriter>>();

/** The ledger index's writer on `db` for the tables `table` names, prepared on first use. */
export const sqliteIndexWriter = (db: Database.Database, table: (name: string) => string): SqliteIndexWriter => {
  let byTables = writers.get(db);
  if (byTables === undefined) writers.set(db, (byTables = new Map()));
  const key = table('figures');
  let w = byTables.get(key);
  if (w === undefined) byTables.set(key, (w = prepareWriter(db, table)));
  return w;
};

const prepareWriter = (db: Database.Database, table: (name: string) => string): SqliteIndexWriter => {
  const prep = (text: string) => db.prepare(text.replace(/\brm_([a-z_]+)/g, (_, name: string) => table(name)));
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
  const inForce = sqliteInForce(db, prep, table('figures_lookup'));

  const write = (rows: readonly IndexRow[]): void => {
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
  };
  return { write, refreshStale: inForce.refreshStale };
};
