import { defineProjection } from '@minsheng/projections';

/** Its tables, the same DDL on both engines; `t` names each in the version being written. */
const schema = (t: (name: string) => string) => `
  CREATE TABLE IF NOT EXISTS ${t('reports')} (
    event_id TEXT PRIMARY KEY, unit TEXT NOT NULL, month TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS ${t('unit_months')} (
    unit TEXT NOT NULL, month TEXT NOT NULL, reports INTEGER NOT NULL, retracted INTEGER NOT NULL,
    PRIMARY KEY (unit, month));`;

/**
 * Reports per responsible unit per month (the month of the figure's as-of date): how many each
 * unit filed, and how many of those were later retracted. A retraction names only the report,
 * so the projection keeps each report's unit and month to find the row it counts against.
 */
export const unitMonths = defineProjection({
  name: 'unit-months',
  version: 1,
  eventTypes: ['ProgressReported', 'ProgressRetracted'],
  // Progress events live in progress-<plan>-<metric>-<place> streams.
  streamPrefix: 'progress-',
  sqlite: {
    schema,
    handle: (events, { db, table }) => {
      const remember = db.prepare(`INSERT INTO ${table('reports')} (event_id, unit, month) VALUES (?, ?, ?)`);
      const count = db.prepare(
        `INSERT INTO ${table('unit_months')} (unit, month, reports, retracted) VALUES (?, ?, 1, 0)
         ON CONFLICT (unit, month) DO UPDATE SET reports = reports + 1`,
      );
      const find = db.prepare(`SELECT unit, month FROM ${table('reports')} WHERE event_id = ?`);
      const retract = db.prepare(`UPDATE ${table('unit_months')} SET retracted = retracted + 1 WHERE unit = ? AND month = ?`);
      for (const e of events) {
        if (e.type === 'ProgressReported') {
          // A report is filed by a responsible unit; one filed by a system process counts under its name.
          const unit = e.metadata.actor.unit ?? e.metadata.actor.system ?? 'unknown';
          const month = e.data.asOf.slice(0, 7);
          remember.run(e.eventId, unit, month);
          count.run(unit, month);
        } else {
          const report = find.get(e.data.retracts) as { unit: string; month: string } | undefined;
          if (report) retract.run(report.unit, report.month);
        }
      }
    },
  },
  // The same rows on PostgreSQL: its handler is asynchronous and writes through the batch's client.
  postgres: {
    schema,
    handle: async (events, { client, table }) => {
      for (const e of events) {
        if (e.type === 'ProgressReported') {
          const unit = e.metadata.actor.unit ?? e.metadata.actor.system ?? 'unknown';
          const month = e.data.asOf.slice(0, 7);
          await client.query(`INSERT INTO ${table('reports')} (event_id, unit, month) VALUES ($1, $2, $3)`, [e.eventId, unit, month]);
          await client.query(
            `INSERT INTO ${table('unit_months')} AS m (unit, month, reports, retracted) VALUES ($1, $2, 1, 0)
             ON CONFLICT (unit, month) DO UPDATE SET reports = m.reports + 1`,
            [unit, month],
          );
        } else {
          await client.query(
            `UPDATE ${table('unit_months')} m SET retracted = m.retracted + 1
             FROM ${table('reports')} r WHERE r.event_id = $1 AND m.unit = r.unit AND m.month = r.month`,
            [e.data.retracts],
          );
        }
      }
    },
  },
});
