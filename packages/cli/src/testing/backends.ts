import { PG_ROW_TABLES } from '@minsheng/projections/internal';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import type { WriterTarget } from './writer';

/*
 * What the worker tests read behind the CLI's back, per engine: the lease row, the active
 * read-model pointer, and the raw rows of a read-model version, to compare a version the
 * workers built with one rebuilt from scratch.
 */
export interface Backend {
  readonly name: string;
  /** The CLI options naming the ledger. */
  args(): string[];
  writerTarget(): WriterTarget;
  /** The ledger-index lease in a read-model version: its owner and whether it is live. */
  lease(version: string): Promise<{ owner: string; live: boolean } | null>;
  /** The serving version according to the pointer. */
  active(): Promise<string>;
  exists(version: string): Promise<boolean>;
  /** Every row of every index table of a version, each as canonical JSON, sorted. */
  rows(version: string): Promise<Record<string, string[]>>;
  /** The position of every row of the tables keyed by position (all but pairs), duplicates kept. */
  indexedPositions(version: string): Promise<number[]>;
  /** Positions of the stored events the ledger index has a row for. */
  indexableEventPositions(): Promise<number[]>;
  /** How many TaskCompleted events each task has, by task number. */
  completions(): Promise<Record<number, number>>;
  close(): Promise<void>;
}

/** The event types the ledger index keeps a row for, one row per event. */
export const INDEXED_TYPES = ['PlanPublished', 'TargetSet', 'ProgressReported', 'ProgressCorrected', 'ProgressRetracted', 'TaskCompleted', 'DeadlineMissed'];
const POSITION_TABLES = PG_ROW_TABLES.filter((t) => t !== 'pairs');

export const postgresBackend = (url: () => string): Backend => {
  let pool: Pool | undefined;
  const db = () => {
    if (!pool) {
      pool = new Pool({ connectionString: url(), max: 3 });
      pool.on('error', () => undefined);
    }
    return pool;
  };
  const q = async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await db().query<R>(text, params)).rows;
  return {
    name: 'PostgreSQL',
    args: () => ['--database-url', url()],
    writerTarget: () => ({ kind: 'postgres', url: url() }),
    lease: async (v) =>
      (await q<{ owner: string; live: boolean }>(
        `SELECT owner, expires_at > clock_timestamp() AS live FROM ${v}.leases WHERE projection = 'ledger-index'`,
      ))[0] ?? null,
    active: async () =>
      (await q<{ name: string }>(`SELECT name FROM minsheng.read_model_active WHERE projection = 'ledger-index'`))[0]?.name ?? 'minsheng_rm',
    exists: async (v) => (await q<{ e: boolean }>('SELECT to_regnamespace($1) IS NOT NULL AS e', [v]))[0]!.e,
    rows: async (v) => {
      const out: Record<string, string[]> = {};
      for (const t of PG_ROW_TABLES) out[t] = (await q<{ r: string }>(`SELECT row_to_json(x)::text AS r FROM ${v}.${t} x ORDER BY 1`)).map((r) => r.r);
      return out;
    },
    indexedPositions: async (v) =>
      (await q<{ p: string }>(POSITION_TABLES.map((t) => `SELECT position AS p FROM ${v}.${t}`).join(' UNION ALL ') + ' ORDER BY 1')).map((r) => Number(r.p)),
    indexableEventPositions: async () =>
      (await q<{ p: string }>(`SELECT position AS p FROM minsheng.events WHERE type = ANY($1) ORDER BY 1`, [INDEXED_TYPES])).map((r) => Number(r.p)),
    completions: async () =>
      Object.fromEntries(
        (await q<{ task: string; n: string }>(`SELECT (data::json->>'task') AS task, count(*) AS n FROM minsheng.events WHERE type = 'TaskCompleted' GROUP BY 1`)).map(
          (r) => [Number(r.task), Number(r.n)],
        ),
      ),
    close: async () => {
      await pool?.end();
      pool = undefined;
    },
  };
};

export const sqliteBackend = (file: string): Backend => {
  let conn: Database.Database | undefined;
  const db = () => {
    if (!conn) {
      conn = new Database(file);
      conn.pragma('busy_timeout = 10000');
    }
    return conn;
  };
  const tableOf = (v: string, t: string) => `${v}${t}`;
  return {
    name: 'SQLite',
    args: () => ['--db', file],
    writerTarget: () => ({ kind: 'sqlite', file }),
    lease: async (v) => {
      const r = db().prepare(`SELECT owner, expires_at FROM ${tableOf(v, 'leases')} WHERE projection = 'ledger-index'`).get() as
        | { owner: string; expires_at: number }
        | undefined;
      return r ? { owner: r.owner, live: r.expires_at > Date.now() } : null;
    },
    active: async () => {
      const r = db().prepare(`SELECT name FROM minsheng_read_model_active WHERE projection = 'ledger-index'`).get() as { name: string } | undefined;
      return r?.name ?? 'rm_';
    },
    exists: async (v) => db().prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(tableOf(v, 'meta')) !== undefined,
    rows: async (v) => {
      const out: Record<string, string[]> = {};
      for (const t of PG_ROW_TABLES) out[t] = (db().prepare(`SELECT * FROM ${tableOf(v, t)}`).all() as object[]).map((r) => JSON.stringify(r)).sort();
      return out;
    },
    indexedPositions: async (v) =>
      (db().prepare(POSITION_TABLES.map((t) => `SELECT position AS p FROM ${tableOf(v, t)}`).join(' UNION ALL ') + ' ORDER BY 1').all() as { p: number }[]).map(
        (r) => r.p,
      ),
    indexableEventPositions: async () =>
      (db().prepare(`SELECT position AS p FROM events WHERE type IN (${INDEXED_TYPES.map(() => '?').join(', ')}) ORDER BY 1`).all(...INDEXED_TYPES) as {
        p: number;
      }[]).map((r) => r.p),
    completions: async () =>
      Object.fromEntries(
        (db().prepare(`SELECT json_extract(data, '$.task') AS task, count(*) AS n FROM events WHERE type = 'TaskCompleted' GROUP BY 1`).all() as {
          task: number;
          n: number;
        }[]).map((r) => [r.task, r.n]),
      ),
    close: async () => {
      conn?.close();
      conn = undefined;
    },
  };
};
