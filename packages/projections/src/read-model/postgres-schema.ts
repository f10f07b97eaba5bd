/**
 * The ledger index in PostgreSQL, one schema per read-model version (default
 * minsheng_rm), so a new version can be built beside the serving one.
 */
/** Version 2: a pair's row holds its figure in force at the head (in_force_*, see in-force.ts) and its last event. */
export const PG_READ_MODEL_SCHEMA_VERSION = 2;
export const DEFAULT_PG_SCHEMA = 'minsheng_rm';

/**
 * The figures' indexes that only queries use (the writer finds a figure by its event id). A log
 * of interleaved reports inserts into them all over: a bulk load from 0 drops them and builds
 * them once at its end, by sorting (see the PostgreSQL read model's withBulkLoad).
 */
export const PG_QUERY_INDEXES = ['figures_lookup', 'figures_report'] as const;
export const pgQueryIndexDdl = (s: string): string => `
CREATE INDEX IF NOT EXISTS figures_lookup ON ${s}.figures (plan_id, metric, place, as_of, report_position);
CREATE INDEX IF NOT EXISTS figures_report ON ${s}.figures (report_id, position);`;

export const pgReadModelDdl = (s: string): string => `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  projection TEXT PRIMARY KEY, position BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.leases (
  projection TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.plans (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, event_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS plans_plan ON ${s}.plans (plan_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${s}.targets (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  event_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS targets_plan ON ${s}.targets (plan_id, metric, recorded_at);
CREATE TABLE IF NOT EXISTS ${s}.figures (
  position BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  report_id TEXT NOT NULL, report_position BIGINT NOT NULL,
  plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL,
  as_of TEXT NOT NULL, recorded_at BIGINT NOT NULL, figure TEXT NOT NULL,
  unit TEXT, person TEXT, source TEXT, reason TEXT, hash TEXT NOT NULL);
${pgQueryIndexDdl(s)}
CREATE TABLE IF NOT EXISTS ${s}.pairs (
  plan_id TEXT NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL, first_recorded_at BIGINT NOT NULL,
  in_force_position BIGINT, in_force_as_of TEXT, in_force_report_position BIGINT,
  last_position BIGINT NOT NULL DEFAULT 0, last_recorded_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, metric, place));
CREATE TABLE IF NOT EXISTS ${s}.retractions (
  position BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, report_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, reason TEXT NOT NULL, unit TEXT, person TEXT, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS retractions_report ON ${s}.retractions (report_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${s}.completions (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, event_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.missed (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  deadline TEXT NOT NULL, event_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
`;

export const PG_ROW_TABLES = ['plans', 'targets', 'figures', 'pairs', 'retractions', 'completions', 'missed'] as const;
