/**
 * The ledger index in SQLite. Rows are keyed by global position, so one event can
 * never be applied twice. Versioned: a file with a newer read-model schema is refused, and
 * one with an older schema is dropped and rebuilt from the log (it holds nothing else).
 *
 * Since version 2 figures are keyed by integer: `pair` (the rm_pairs id of their plan, metric
 * and place, which since version 3 a figure row no longer repeats) and `report_position`. Text keys made every figure cost four b-tree inserts of 30–60
 * byte keys; on a log where districts report in turn this version indexes a figure in about
 * 60% of the time (measured 28 → 17 µs a row at 2,000 rows a batch, 12 → 8 µs at 20,000).
 * A process of an older release still running after the upgrade cannot add a figure here (the
 * columns it names are gone): its next batch fails instead of writing rows no query finds.
 *
 * Since version 4 a pair's row holds its figure in force at the head (in_force_*, see in-force.ts),
 * and its last event: a view of the present reads it instead of walking the pair's figures.
 */
export const READ_MODEL_SCHEMA_VERSION = 4;

/**
 * The ledger index's own tables and indexes, each named through `t` (rm_ + name in the built-in
 * read model, the projection's prefix when createSqliteProjection runs ledgerIndexProjection).
 * The bookkeeping tables (meta, checkpoints, leases) are not among them: each runner adds its own.
 */
export const ledgerIndexSqliteSchema = (t: (name: string) => string): string => `
CREATE TABLE IF NOT EXISTS ${t('plans')} (
  position INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, event_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${t('plans_plan')} ON ${t('plans')} (plan_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('targets')} (
  position INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  event_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${t('targets_plan')} ON ${t('targets')} (plan_id, metric, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('pairs')} (
  id INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL,
  first_recorded_at INTEGER NOT NULL,
  in_force_position INTEGER, in_force_as_of TEXT, in_force_report_position INTEGER,
  last_position INTEGER NOT NULL DEFAULT 0, last_recorded_at INTEGER NOT NULL DEFAULT 0,
  in_force_stale INTEGER NOT NULL DEFAULT 0, UNIQUE (plan_id, metric, place));
CREATE TABLE IF NOT EXISTS ${t('figures')} (
  position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  report_id TEXT NOT NULL, report_position INTEGER NOT NULL, pair INTEGER NOT NULL, task INTEGER NOT NULL,
  as_of TEXT NOT NULL, recorded_at INTEGER NOT NULL, figure TEXT NOT NULL,
  unit TEXT, person TEXT, source TEXT, reason TEXT, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${t('figures_lookup')} ON ${t('figures')} (pair, as_of, report_position);
CREATE INDEX IF NOT EXISTS ${t('figures_report')} ON ${t('figures')} (report_position, position);
CREATE TABLE IF NOT EXISTS ${t('retractions')} (
  position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, report_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, reason TEXT NOT NULL, unit TEXT, person TEXT, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ${t('retractions_report')} ON ${t('retractions')} (report_id, recorded_at);
CREATE TABLE IF NOT EXISTS ${t('completions')} (
  position INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, event_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${t('missed')} (
  position INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
  deadline TEXT NOT NULL, event_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
`;

export const READ_MODEL_DDL = `
CREATE TABLE IF NOT EXISTS rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_checkpoints (
  projection TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_leases (
  projection TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
` + ledgerIndexSqliteSchema((name) => `rm_${name}`);

/**
 * The page size of a read-model file the read model creates itself (a file of its own; the
 * event store creates the ledger's file with SQLite's default 4 KB): 16 KB by default. A
 * rebuild writes every page of the file; with pages four times larger SQLite splits, links and
 * logs a quarter as many. Rebuilding 100k events into a file of its own went from 101–102k to
 * 106–108k events/s, and queries (an audit trail, the district view) took the same time. A commit
 * of a single event writes larger pages to the WAL: 120 → 225 µs (measured). A file that exists
 * keeps the pages it has. SqliteReadModelOptions.pageSize sets another.
 */
export const READ_MODEL_PAGE_SIZE = 16_384;

/**
 * How much WAL a read model's own connection lets grow before it checkpoints, whatever the file's
 * page size: SQLite's default, 1,000 pages, at 4 KB pages (about 4 MB; 250 pages of 16 KB).
 */
export const READ_MODEL_CHECKPOINT_BYTES = 1000 * 4096;

/** READ_MODEL_CHECKPOINT_BYTES in pages of `pageSize` bytes (at least one), for `wal_autocheckpoint`. */
export const readModelCheckpointPages = (pageSize: number): number => Math.max(1, Math.round(READ_MODEL_CHECKPOINT_BYTES / pageSize));

/** The default table prefix; a blue/green rebuild builds a new version under another prefix. */
export const DEFAULT_PREFIX = 'rm_';

/** The DDL or a statement for tables under `prefix` instead of rm_. */
export const withPrefix = (sql: string, prefix: string): string => (prefix === DEFAULT_PREFIX ? sql : sql.replace(/\brm_/g, prefix));

export const READ_MODEL_TABLES = [
  'rm_plans',
  'rm_targets',
  'rm_figures',
  'rm_pairs',
  'rm_retractions',
  'rm_completions',
  'rm_missed',
] as const;
