import type { PoolClient } from 'pg';
import type { IndexRow } from './index-rows';
import { keepInForce, keyOf, statementName, type Table } from './postgres-in-force';

const COLUMNS: Record<IndexRow['table'], readonly string[]> = {
  plans: ['position', 'plan_id', 'event_id', 'recorded_at', 'hash', 'data'],
  targets: ['position', 'plan_id', 'task', 'metric', 'event_id', 'recorded_at', 'hash', 'data'],
  figures: ['position', 'event_id', 'kind', 'report_id', 'plan_id', 'task', 'metric', 'place', 'as_of', 'recorded_at',
    'figure', 'unit', 'person', 'source', 'reason', 'hash'],
  retractions: ['position', 'event_id', 'report_id', 'recorded_at', 'reason', 'unit', 'person', 'hash'],
  completions: ['position', 'plan_id', 'task', 'event_id', 'recorded_at', 'hash', 'data'],
  missed: ['position', 'plan_id', 'task', 'metric', 'deadline', 'event_id', 'recorded_at', 'hash', 'data'],
};

/** A pair's columns, read from its first report's row. */
const PAIR_COLUMNS = ['plan_id', 'metric', 'place', 'recorded_at'] as const;

/** Each column's SQL type when read from JSON: numbers need theirs, the rest are text. */
const SQL_TYPE: Readonly<Record<string, string>> = { position: 'bigint', recorded_at: 'bigint', task: 'integer' };

/**
 * A batch's rows as one JSON parameter, read back as a relation `t` with these columns. pg
 * writes array parameters through a slow per-element escape (360 ms for 5000 figure rows as
 * 16 text arrays, measured), where JSON.stringify takes 32 ms for the same rows.
 */
const rowsFromJson = (cols: readonly string[]): string =>
  `json_to_recordset($1::json) AS t (${cols.map((col) => `${col} ${SQL_TYPE[col] ?? 'text'}`).join(', ')})`;

/*
 * A batch's rows go in as one INSERT … SELECT FROM json_to_recordset a table: one parameter
 * and one prepared statement, where multi-row VALUES lists sent 16 parameters a row, parsed
 * afresh each time. (COPY would need a dependency pg does not have.) For figures,
 * report_position: a report's own position; a correction's, the position of the figure it
 * corrects (its own when that is not indexed), which is why corrections go in after reports.
 */
const insertRows = async (client: PoolClient, t: Table, table: IndexRow['table'], rows: readonly Record<string, unknown>[]) => {
  const cols = COLUMNS[table];
  await client.query({
    name: `${statementName(t)}-${table}`,
    text:
      table === 'figures'
        ? `INSERT INTO ${t('figures')} (${cols.join(', ')}, report_position)
           SELECT t.*, CASE WHEN t.kind = 'report' THEN t.position
             ELSE COALESCE((SELECT f.position FROM ${t('figures')} f WHERE f.event_id = t.report_id), t.position) END
           FROM ${rowsFromJson(cols)}`
        : `INSERT INTO ${t(table)} (${cols.join(', ')}) SELECT * FROM ${rowsFromJson(cols)}`,
    values: [JSON.stringify(rows)],
  });
};

/**
 * How the ledger index writes a batch's rows in PostgreSQL, whoever runs it (the built-in read
 * model, or createPostgresProjection(ledgerIndexProjection)), inside the caller's transaction:
 * one statement a table, then the batch's pairs and their figures in force. `deferred`: a bulk
 * load from 0 dropped the lookup index, and reads pairs' figures in force again at its end.
 */
export const writePostgresIndexRows = async (client: PoolClient, t: Table, indexed: readonly IndexRow[], deferred = false): Promise<void> => {
  const byTable = new Map<IndexRow['table'], Record<string, unknown>[]>();
  const corrections: Record<string, unknown>[] = [];
  // A pair's first report in the batch; the table keeps the first ever (ON CONFLICT DO NOTHING).
  const pairs = new Map<string, Record<string, unknown>>();
  for (const r of indexed) {
    if (r.table === 'figures' && r.row.kind === 'correction') {
      corrections.push(r.row);
      continue;
    }
    const rows = byTable.get(r.table);
    if (rows) rows.push(r.row);
    else byTable.set(r.table, [r.row]);
    if (r.table === 'figures') {
      const key = keyOf(r.row.plan_id, r.row.metric, r.row.place);
      if (!pairs.has(key)) pairs.set(key, r.row);
    }
  }
  for (const [table, rows] of byTable) await insertRows(client, t, table, rows);
  if (corrections.length) await insertRows(client, t, 'figures', corrections);
  if (pairs.size)
    await client.query({
      name: `${statementName(t)}-pairs`,
      text: `INSERT INTO ${t('pairs')} (plan_id, metric, place, first_recorded_at)
             SELECT * FROM ${rowsFromJson(PAIR_COLUMNS)} ON CONFLICT DO NOTHING`,
      values: [JSON.stringify([...pairs.values()])],
    });
  await keepInForce(client, t, indexed, deferred);
};
