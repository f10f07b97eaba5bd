import type Database from 'better-sqlite3';
import type { Pool } from 'pg';

/**
 * Which version of a read model serves queries. A rebuild beside the live one builds a
 * new version (another SQLite table prefix, another PostgreSQL schema) while the old one
 * keeps serving, and switches this pointer once the new one has caught up.
 */
export interface ActiveVersion {
  /** The serving version's name (prefix or schema); the default when none was ever switched. */
  active(projection: string): Promise<string>;
  /** Points readers at `name`, if the serving version is still `expected`. False if someone switched first. */
  switchTo(projection: string, expected: string, name: string): Promise<boolean>;
}

/** The next version's name: rm_ → rm_v2_, rm_v2_ → rm_v3_; minsheng_rm → minsheng_rm_v2. */
export const nextVersionName = (current: string): string => {
  const suffix = current.endsWith('_') ? '_' : '';
  const body = suffix ? current.slice(0, -1) : current;
  const m = /^(.*)_v(\d+)$/.exec(body);
  return m ? `${m[1]}_v${Number(m[2]) + 1}${suffix}` : `${body}_v2${suffix}`;
};

export const sqliteActiveVersion = (db: Database.Database, fallback = 'rm_'): ActiveVersion => {
  db.exec(`CREATE TABLE IF NOT EXISTS minsheng_read_model_active (
    projection TEXT PRIMARY KEY, name TEXT NOT NULL, switched_at TEXT NOT NULL)`);
  const get = db.prepare(`SELECT name FROM minsheng_read_model_active WHERE projection = ?`).pluck();
  const insert = db.prepare(`INSERT OR IGNORE INTO minsheng_read_model_active (projection, name, switched_at) VALUES (?, ?, ?)`);
  const update = db.prepare(`UPDATE minsheng_read_model_active SET name = ?, switched_at = ? WHERE projection = ? AND name = ?`);
  return {
    active: async (projection) => (get.get(projection) as string | undefined) ?? fallback,
    switchTo: async (projection, expected, name) =>
      db
        .transaction(() => {
          insert.run(projection, fallback, new Date().toISOString());
          return update.run(name, new Date().toISOString(), projection, expected).changes === 1;
        })
        .immediate(),
  };
};

/**
 * The pointer lives in the event store's schema (default `minsheng`), not in `public`, where
 * PostgreSQL 15 and later let ordinary roles create nothing. Its table is created only when
 * missing: PostgreSQL checks the right to create before it sees that a schema or table exists,
 * so even `CREATE ... IF NOT EXISTS` would refuse a role that may only read or append.
 */
export const postgresActiveVersion = (pool: Pool, fallback = 'minsheng_rm', schema = 'minsheng'): ActiveVersion => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`schema "${schema}" must be lower-case letters, digits and underscores`);
  const table = `${schema}.read_model_active`;
  const ready = pool
    .query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table])
    .then(({ rows }) =>
      rows[0]!.exists
        ? undefined
        : pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; CREATE TABLE IF NOT EXISTS ${table} (
      projection TEXT PRIMARY KEY, name TEXT NOT NULL, switched_at TIMESTAMPTZ NOT NULL)`),
    )
    .then(() => undefined)
    .catch((e: Error & { code?: string }) => {
      // Two processes creating it at once: the loser sees a unique violation on the catalog.
      if (e.code !== '23505' && e.code !== '42P07') throw e;
    });
  return {
    active: async (projection) => {
      await ready;
      const r = await pool.query(`SELECT name FROM ${table} WHERE projection = $1`, [projection]);
      return (r.rows[0]?.name as string | undefined) ?? fallback;
    },
    switchTo: async (projection, expected, name) => {
      await ready;
      await pool.query(
        `INSERT INTO ${table} (projection, name, switched_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`,
        [projection, fallback],
      );
      const r = await pool.query(
        `UPDATE ${table} SET name = $1, switched_at = now() WHERE projection = $2 AND name = $3`,
        [name, projection, expected],
      );
      return r.rowCount === 1;
    },
  };
};
