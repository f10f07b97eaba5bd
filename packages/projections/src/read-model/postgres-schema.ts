/**
 * The ledger index in PostgreSQL, one schema per read-model version (default
 * minsheng_rm), so a new version can be built beside the serving one.
 */
/** Version 2: a pair's row holds its figure in force at the head (in_force_*, see in-force.ts) and its last event. */
export const PG_READ_MODEL_SCHEMA_VERSION = 2;
export const DEFAULT_PG_SCHEMA = 'minsheng_rm';

/** An index's name without its schema: CREATE INDEX makes it in its table's schema, and takes no other. */
const bare = (qualified: string): string => qualified.slice(qualified.lastIndexOf('.') + 1);

/** The built-in read model's tables: ${schema}.${name}. */
export const inSchema =
  (s: string) =>
  (name: string): string =>
    `${s}.${name}`;

/**
 * The figures' indexes that only queries use (the writer finds a figure by its event id). A log
 * of interleaved reports inserts into them all over: a bulk load from 0 drops them and builds
 * them once at its end, by sorting (see the PostgreSQL read model's withBulkLoad).
 */
export const PG_QUERY_INDEXES = ['figures_lookup', 'figures_report'] as const;
export const pgQueryIndexDdl = (t: (name: string) => string): string => `
CREATE INDEX IF NOT EXISTS ${bare(t('figures_lookup'))} ON ${t('figures')} (plan_id, metric, place, as_of, report_position);
CREATE INDEX IF NOT EXISTS ${bare(t('figures_report'))} ON ${t('figures')} (report_id, position);`;

/**
 * The ledger index's own tables and indexes, each named through `t` (schema-qualified). The
 * bookkeeping tables (meta, checkpoints, leases) are not among them: each runner adds its own.
 */
export const ledgerIndexPostgresSchema = (t: (name: string) => string): string => `
CREATE TABLE IF NOT EXISTS ${t('plans')} (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, event_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${bare(t('plans_plan'))} ON ${t('plans')} (plan_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('targets')} (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  event_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${bare(t('targets_plan'))} ON ${t('targets')} (plan_id, metric, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('figures')} (
  position BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  report_id TEXT NOT NULL, report_position BIGINT NOT NULL,
  plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL,
  as_of TEXT NOT NULL, recorded_at BIGINT NOT NULL, figure TEXT NOT NULL,
  unit TEXT, person TEXT, source TEXT, reason TEXT, hash TEXT NOT NULL);
${pgQueryIndexDdl(t)}
CREATE TABLE IF NOT EXISTS ${t('pairs')} (
  plan_id TEXT NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL, first_recorded_at BIGINT NOT NULL,
  in_force_position BIGINT, in_force_as_of TEXT, in_force_report_position BIGINT,
  last_position BIGINT NOT NULL DEFAULT 0, last_recorded_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, metric, place));
CREATE TABLE IF NOT EXISTS ${t('retractions')} (
  position BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, report_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, reason TEXT NOT NULL, unit TEXT, person TEXT, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${bare(t('retractions_report'))} ON ${t('retractions')} (report_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('completions')} (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, event_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${t('missed')} (
  position BIGINT PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  deadline TEXT NOT NULL, event_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
`;

export const pgReadModelDdl = (s: string): string => `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  projection TEXT PRIMARY KEY, position BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.leases (
  projection TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
` + ledgerIndexPostgresSchema(inSchema(s));

export const PG_ROW_TABLES = ['plans', 'targets', 'figures', 'pairs', 'retractions', 'completions', 'missed'] as const;
