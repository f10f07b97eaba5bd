import type Database from 'better-sqlite3';
import { HEAD, noFigure, type InForce } from './in-force';
import type { FigureVersion } from './rows';

/**
 * The effective-figure query of one pair (`pair` an SQL expression): the position of the version
 * in force at @asOf as known at @knownAt (docs/concepts.md). Used for moments before the pair's
 * row (time travel), and to read a pair's row again after a correction or retraction.
 */
const effectiveOf = (pair: string, columns: string): string =>
  `SELECT ${columns} FROM rm_figures v
   WHERE v.pair = ${pair} AND v.as_of <= @asOf AND v.recorded_at <= @knownAt
     AND NOT EXISTS (SELECT 1 FROM rm_figures w WHERE w.report_position = v.report_position AND w.position > v.position
                     AND w.recorded_at <= @knownAt)
     AND NOT EXISTS (SELECT 1 FROM rm_retractions x WHERE x.report_id = v.report_id AND x.recorded_at <= @knownAt)
   ORDER BY v.as_of DESC, v.report_position DESC LIMIT 1`;

/**
 * Every pair's figure in force for the named metrics of a plan, in one statement: a pair's row
 * answers when the moment is at or after what the row was computed for (known at or after the
 * pair's last event, and as of no earlier than the figure in force: no other candidate can then
 * outrank it); any other pair runs the effective-figure query. `useRows` false: every pair runs it.
 *
 * Read in raw mode (arrays, mapped by effectiveFigure): building an object of eighteen named
 * columns for each of a plan's pairs was most of a view's time (693 pairs: 5.4 ms object rows
 * of every column against 3.0 ms arrays of these, on a loaded machine); the plan, which the
 * caller names, is not read back.
 */
export const effectiveFiguresSql = (useRows: boolean): string =>
  `SELECT c.metric, c.place, v.event_id, v.kind, v.report_id, v.position, v.task, v.as_of, v.recorded_at, v.figure,
     v.unit, v.person, v.source, v.reason, v.hash FROM (
     SELECT p.metric, p.place, CASE
       WHEN ${useRows ? '1' : '0'} AND p.in_force_stale = 0 AND p.last_recorded_at <= @knownAt
            AND (p.in_force_position IS NULL OR p.in_force_as_of <= @asOf) THEN p.in_force_position
       ELSE (${effectiveOf('p.id', 'v.position')}) END AS position
     FROM rm_pairs p WHERE p.plan_id = @plan AND p.metric IN (SELECT value FROM json_each(@metrics))) c
   JOIN rm_figures v ON v.position = c.position ORDER BY c.place`;

/** A row of effectiveFiguresSql, in its column order, as a figure version of `planId`. */
export const effectiveFigure = (planId: string, r: unknown[]): FigureVersion => ({
  eventId: r[2] as string,
  kind: r[3] as 'report' | 'correction',
  reportId: r[4] as string,
  position: r[5] as number,
  planId,
  task: r[6] as number,
  metric: r[0] as string,
  place: r[1] as string,
  asOf: r[7] as string,
  recordedAt: r[8] as number,
  figure: JSON.parse(r[9] as string),
  unit: (r[10] as string | null) ?? null,
  person: (r[11] as string | null) ?? null,
  source: r[12] ? JSON.parse(r[12] as string) : null,
  reason: (r[13] as string | null) ?? null,
  hash: r[14] as string,
});

/**
 * Reads and writes pairs' rows during a batch. While a bulk load from 0 has dropped the lookup
 * index the effective-figure query would scan every figure, so a pair to read again is marked
 * stale instead (views then run the query for it) and read again once the index is built.
 */
export const sqliteInForce = (db: Database.Database, prep: (text: string) => Database.Statement, lookupIndex: string) => {
  const load = prep(
    `SELECT in_force_position AS position, in_force_as_of AS asOf, in_force_report_position AS reportPosition,
       last_position AS lastPosition, last_recorded_at AS lastRecordedAt, in_force_stale AS stale FROM rm_pairs WHERE id = ?`,
  );
  const save = prep(
    `UPDATE rm_pairs SET in_force_position = ?, in_force_as_of = ?, in_force_report_position = ?, last_position = ?,
       last_recorded_at = ?, in_force_stale = ? WHERE id = ?`,
  );
  const head = prep(effectiveOf('@pair', 'v.position, v.as_of, v.report_position'));
  const stalePairs = prep(`SELECT id FROM rm_pairs WHERE in_force_stale = 1`).pluck();
  const indexExists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`).pluck();

  const loadPair = (id: number): InForce => {
    const r = load.get(id) as (InForce & { stale: number }) | undefined;
    if (!r) return noFigure();
    const { stale, ...s } = r;
    return { ...s, recompute: stale === 1 };
  };
  const reread = (id: number, s: InForce): void => {
    const r = head.get({ pair: id, asOf: HEAD.asOf, knownAt: HEAD.knownAt }) as { position: number; as_of: string; report_position: number } | undefined;
    s.position = r?.position ?? null;
    s.asOf = r?.as_of ?? null;
    s.reportPosition = r?.report_position ?? null;
    s.recompute = false;
  };
  const savePair = (id: number, s: InForce): void => {
    save.run(s.position, s.asOf, s.reportPosition, s.lastPosition, s.lastRecordedAt, s.recompute ? 1 : 0, id);
  };
  return {
    load: loadPair,
    /** Writes the batch's pairs (inside its transaction), reading again those a correction or retraction moved. */
    saveAll: (pairs: ReadonlyMap<number, InForce>): void => {
      let canRead: boolean | undefined;
      for (const [id, s] of pairs) {
        if (s.recompute && (canRead ??= indexExists.get(lookupIndex) !== undefined)) reread(id, s);
        savePair(id, s);
      }
    },
    /** Reads again every pair left stale by a bulk load (inside a transaction, the lookup index built). */
    refreshStale: (): void => {
      for (const id of stalePairs.all() as number[]) {
        const s = loadPair(id);
        reread(id, s);
        savePair(id, s);
      }
    },
  };
};
