import type { PoolClient } from 'pg';
import type { IndexRow } from './index-rows';
import { afterAmendment, afterReport, HEAD, type InForce } from './in-force';

/** The schema-qualified name of one of the ledger index's tables (`${schema}.${name}` in the built-in read model). */
export type Table = (name: string) => string;

const statementNames = new Map<string, string>();
/**
 * A short name for the prepared statements of one set of tables: PostgreSQL keeps 63 bytes of a
 * statement's name, and a schema-qualified projection table (plus the statement's own name) can be longer.
 */
export const statementName = (t: Table): string => {
  const key = t('figures');
  let name = statementNames.get(key);
  if (name === undefined) statementNames.set(key, (name = `li${statementNames.size + 1}`));
  return name;
};

/**
 * The effective-figure query of one pair (`p` a relation with plan_id, metric and place) at the
 * moment `asOf`/`knownAt` (SQL expressions). "Not superseded" and "not retracted" are scalar
 * sub-selects, not NOT EXISTS: the planner turns NOT EXISTS into an anti-join, and with stale
 * statistics (any catch-up too small to ANALYZE) it hashed every figure of a pair and sorted them
 * (384 ms for 693 pairs at 20k events); a sub-select stays a filter on the backward walk of
 * figures_lookup, which stops at the first figure in force whatever the statistics say.
 */
const effectiveOf = (t: Table, p: string, columns: string, asOf: string, knownAt: string, when = 'true'): string =>
  `SELECT ${columns} FROM ${t('figures')} v
   WHERE ${when} AND v.plan_id = ${p}.plan_id AND v.metric = ${p}.metric AND v.place = ${p}.place
     AND v.as_of <= ${asOf} AND v.recorded_at <= ${knownAt}
     AND (SELECT 1 FROM ${t('figures')} w WHERE w.report_id = v.report_id AND w.position > v.position AND w.recorded_at <= ${knownAt} LIMIT 1) IS NULL
     AND (SELECT 1 FROM ${t('retractions')} x WHERE x.report_id = v.report_id AND x.recorded_at <= ${knownAt} LIMIT 1) IS NULL
   ORDER BY v.as_of DESC, v.report_position DESC LIMIT 1`;

/**
 * Every pair's figure in force for the named metrics ($2) of a plan ($1) at $3/$4, in one
 * statement: a pair's row answers when the moment is at or after what it was computed for (see
 * the SQLite twin, sqlite-in-force.ts); any other pair runs the effective-figure query.
 *
 * The figure is fetched by a LATERAL sub-select with LIMIT 1, not a join: joined on the CASE
 * (which holds a sub-plan, so it cannot drive an index scan) the planner hashed every figure of
 * the table and spilled it to disk, 290-540 ms for 693 pairs at 100k events, growing with the
 * log; the sub-select is one primary-key lookup a pair (measured below 10 ms on the same server).
 */
export const pgEffectiveFiguresSql = (t: Table, useRows: boolean): string =>
  `SELECT p.metric AS effective_metric, v.* FROM ${t('pairs')} p CROSS JOIN LATERAL (
     SELECT CASE WHEN ${useRows ? 'true' : 'false'} AND p.last_recorded_at <= $4
                      AND (p.in_force_position IS NULL OR p.in_force_as_of <= $3) THEN p.in_force_position
            ELSE (${effectiveOf(t, 'p', 'v.position', '$3', '$4')}) END AS position) c
   CROSS JOIN LATERAL (SELECT * FROM ${t('figures')} f WHERE f.position = c.position LIMIT 1) v
   WHERE p.plan_id = $1 AND p.metric = ANY($2::text[]) ORDER BY p.place`;

type Keyed = InForce & { plan_id: string; metric: string; place: string };
// PostgreSQL text holds no NUL, so joined by one the key is unambiguous (and cheaper than JSON: a figure row makes two).
export const keyOf = (plan: string, metric: string, place: string): string => `${plan}\u0000${metric}\u0000${place}`;

/**
 * Reads every pair's figure in force again by the effective-figure query at the head, in one
 * statement: after a bulk load from 0 that deferred it (see keepInForce), or one that died before
 * its end. Its last event (last_*) is kept by every batch, deferred or not.
 */
export const refreshInForce = async (client: Pick<PoolClient, 'query'>, t: Table): Promise<void> => {
  await client.query(
    `UPDATE ${t('pairs')} p SET in_force_position = e.position, in_force_as_of = e.as_of, in_force_report_position = e.report_position
     FROM ${t('pairs')} t LEFT JOIN LATERAL (${effectiveOf(t, 't', 'v.position, v.as_of, v.report_position', '$1', '$2')}) e ON true
     WHERE p.plan_id = t.plan_id AND p.metric = t.metric AND p.place = t.place`,
    [HEAD.asOf, HEAD.knownAt],
  );
};

/**
 * Moves the figure in force of every pair the batch touched, in its transaction, after its rows
 * are in: one statement reads the pairs, one writes them, reading again (by the query above, at
 * the head) the pairs a correction or retraction touched; one more finds the pairs of retracted
 * reports when there are any. A correction counts in the pair it names, as its figure row does.
 */
export const keepInForce = async (client: PoolClient, t: Table, indexed: readonly IndexRow[], deferred = false): Promise<void> => {
  const keys = new Map<string, { plan_id: string; metric: string; place: string }>();
  const retracted: string[] = [];
  for (const r of indexed)
    if (r.table === 'figures') keys.set(keyOf(r.row.plan_id, r.row.metric, r.row.place), r.row);
    else if (r.table === 'retractions') retracted.push(r.row.report_id);
  const reportPair = new Map<string, string>();
  if (retracted.length) {
    const found = await client.query({
      name: `${statementName(t)}-retracted-pairs`,
      text: `SELECT event_id, plan_id, metric, place FROM ${t('figures')} WHERE event_id IN (SELECT json_array_elements_text($1::json))`,
      values: [JSON.stringify(retracted)],
    });
    for (const f of found.rows) {
      const key = keyOf(f.plan_id, f.metric, f.place);
      reportPair.set(f.event_id, key);
      keys.set(key, f);
    }
  }
  if (!keys.size) return;
  const loaded = await client.query({
    name: `${statementName(t)}-in-force-load`,
    text: `SELECT p.plan_id, p.metric, p.place, p.in_force_position AS position, p.in_force_as_of AS "asOf",
             p.in_force_report_position AS "reportPosition", p.last_position AS "lastPosition", p.last_recorded_at AS "lastRecordedAt"
           FROM ${t('pairs')} p JOIN json_to_recordset($1::json) AS t (plan_id text, metric text, place text) USING (plan_id, metric, place)`,
    values: [JSON.stringify([...keys.values()].map(({ plan_id, metric, place }) => ({ plan_id, metric, place })))],
  });
  const states = new Map<string, Keyed>();
  for (const r of loaded.rows)
    states.set(keyOf(r.plan_id, r.metric, r.place), {
      ...r,
      position: r.position === null ? null : Number(r.position),
      reportPosition: r.reportPosition === null ? null : Number(r.reportPosition),
      lastPosition: Number(r.lastPosition),
      lastRecordedAt: Number(r.lastRecordedAt),
      recompute: false,
    });
  // A pair with no row (a correction of a report the index lacks) is seen by no query: nothing to keep.
  for (const r of indexed) {
    if (r.table === 'figures') {
      const st = states.get(keyOf(r.row.plan_id, r.row.metric, r.row.place));
      if (!st) continue;
      if (r.row.kind === 'report') afterReport(st, r.row.position, r.row.as_of, r.row.recorded_at);
      else afterAmendment(st, r.row.position, r.row.recorded_at);
    } else if (r.table === 'retractions') {
      const key = reportPair.get(r.row.report_id);
      const st = key === undefined ? undefined : states.get(key);
      if (st) afterAmendment(st, r.row.position, r.row.recorded_at);
    }
  }
  // Deferred (a bulk load from 0, its lookup index dropped): a pair to read again is left for
  // refreshInForce, which reads every pair again once the index is built.
  if (deferred) for (const st of states.values()) st.recompute = false;
  await client.query({
    name: `${statementName(t)}-in-force-save`,
    text: `UPDATE ${t('pairs')} p SET
             in_force_position = CASE WHEN t.recompute THEN e.position ELSE t.position END,
             in_force_as_of = CASE WHEN t.recompute THEN e.as_of ELSE t.as_of END,
             in_force_report_position = CASE WHEN t.recompute THEN e.report_position ELSE t.report_position END,
             last_position = t.last_position, last_recorded_at = t.last_recorded_at
           FROM json_to_recordset($1::json) AS t (plan_id text, metric text, place text, position bigint, as_of text,
                  report_position bigint, last_position bigint, last_recorded_at bigint, recompute boolean)
             LEFT JOIN LATERAL (${effectiveOf(t, 't', 'v.position, v.as_of, v.report_position', '$2', '$3', 't.recompute')}) e ON true
           WHERE p.plan_id = t.plan_id AND p.metric = t.metric AND p.place = t.place`,
    values: [
      JSON.stringify(
        [...states.values()].map((st) => ({
          plan_id: st.plan_id,
          metric: st.metric,
          place: st.place,
          position: st.position,
          as_of: st.asOf,
          report_position: st.reportPosition,
          last_position: st.lastPosition,
          last_recorded_at: st.lastRecordedAt,
          recompute: st.recompute,
        })),
      ),
      HEAD.asOf,
      HEAD.knownAt,
    ],
  });
};
