import type { LedgerEventType, StoredEvent } from '@minsheng/core';
import type { Pool, PoolClient } from 'pg';
import { checkPrefix, defaultPrefix, filterOf, handles, prefixedTable, ProjectionDefinitionError, type PostgresProjectionTx, type ProjectionDefinition } from '../definition';
import { batchSpan, throughOf } from './index-rows';
import type { ApplyOutcome, ProjectionModel, ProjectionReader, ProjectionWriter } from './projection';
import { ReadModelError, ReadModelVersionError } from './sqlite';

export interface PostgresProjectionOptions {
  /** The caller's pool; left open by close(). */
  readonly pool: Pool;
  /** The schema its tables live in (default minsheng_projections), created if missing. */
  readonly schema?: string;
  /** Table prefix (default: the name with _ for -, then _): a blue/green rebuild uses another one. */
  readonly prefix?: string;
  /** Lease times come from this clock (default the system clock). */
  readonly now?: () => number;
}

export interface PostgresProjection extends ProjectionModel {
  readonly projection: string;
  readonly reader: ProjectionReader;
  readonly writer: ProjectionWriter;
  readonly prefix: string;
  /** The schema-qualified name of one of its tables in this version (for queries). */
  table(name: string): string;
  close(): Promise<void>;
}

/** Runs `f` in a transaction on a client of its own; rolls back whatever `f` does not commit. */
const inTransaction = async <A>(pool: Pool, f: (client: PoolClient) => Promise<A>): Promise<A> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const a = await f(client);
    await client.query('COMMIT');
    return a;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};

/** A refused batch: rolled back, with the outcome to report (nothing was written). */
class Refused {
  constructor(readonly outcome: ApplyOutcome) {}
}

/**
 * A user's projection on PostgreSQL, with the rules of the SQLite one (createSqliteProjection):
 * the handler's writes and the checkpoint's compare-and-set commit in one transaction, fenced by
 * the lease. Under READ COMMITTED a second writer's checkpoint update waits for the first's
 * commit, then matches no row: its batch is rolled back as 'checkpoint-moved'.
 */
export const createPostgresProjection = async <T extends LedgerEventType>(
  def: ProjectionDefinition<T>,
  options: PostgresProjectionOptions,
): Promise<PostgresProjection> => {
  const engine = def.postgres;
  if (!engine) throw new ProjectionDefinitionError(`projection ${def.name} gives no postgres handler: it cannot run on PostgreSQL`);
  const schema = options.schema ?? 'minsheng_projections';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`schema "${schema}" must be lower-case letters, digits and underscores`);
  const prefix = checkPrefix(options.prefix ?? defaultPrefix(def));
  const { pool } = options;
  const clockNow = options.now ?? Date.now;
  const table = (name: string) => `${schema}.${prefixedTable(def, prefix, name)}`;
  const named = new Set<string>();
  const ddl = engine.schema((name) => {
    named.add(prefixedTable(def, prefix, name));
    return table(name);
  });
  const meta = table('meta');
  const checkpoints = table('checkpoints');
  const leases = table('leases');
  /** Its own tables that exist, by schema-qualified name (what an upgrade drops and a reset empties). */
  const tablesOf = async (client: PoolClient): Promise<string[]> =>
    (
      await client.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2)`,
        [schema, [...named]],
      )
    ).rows.map((r) => `${schema}.${r.name}`);

  await inTransaction(pool, async (client) => {
    // Workers starting at once create the schema one after another, not in a race on the catalog.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const v = (await client.query<{ value: string }>(`SELECT value FROM ${meta} WHERE key = 'version'`)).rows[0]?.value;
    const found = v === undefined ? undefined : Number(v);
    if (found !== undefined && found > def.version)
      throw new ReadModelVersionError(
        `projection ${def.name} (${schema}.${prefix}) was built by its version ${found}, newer than this definition's ${def.version}; upgrade the code that defines it`,
      );
    if (found !== undefined && found < def.version) for (const t of [...(await tablesOf(client)), checkpoints, leases]) await client.query(`DROP TABLE IF EXISTS ${t}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${checkpoints} (
      projection TEXT PRIMARY KEY, position BIGINT NOT NULL, hash TEXT, updated_at TIMESTAMPTZ NOT NULL)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${leases} (projection TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at BIGINT NOT NULL)`);
    await client.query(ddl);
    await client.query(`INSERT INTO ${meta} (key, value) VALUES ('version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [
      String(def.version),
    ]);
  });

  const wanted = handles(def);
  const writer: ProjectionWriter = {
    applyBatch: async (projection, expected, events: readonly StoredEvent[], owner, scanned) => {
      const through = scanned?.position ?? throughOf(events, expected);
      const hash = scanned ? scanned.hash : (events[events.length - 1]?.hash ?? null);
      try {
        return await inTransaction(pool, async (client) => {
          if (owner !== undefined) {
            const held = await client.query(`SELECT 1 FROM ${leases} WHERE projection = $1 AND owner = $2 AND expires_at > $3`, [
              projection,
              owner,
              clockNow(),
            ]);
            if (held.rowCount === 0) throw new Refused('lease-lost');
          }
          await client.query(`INSERT INTO ${checkpoints} (projection, position, updated_at) VALUES ($1, 0, now()) ON CONFLICT DO NOTHING`, [projection]);
          const moved = await client.query(
            `UPDATE ${checkpoints} SET position = $1, hash = $2, updated_at = now() WHERE projection = $3 AND position = $4`,
            [through, hash, projection, expected],
          );
          if (moved.rowCount !== 1) throw new Refused('checkpoint-moved');
          const mine = events.filter(wanted);
          const tx: PostgresProjectionTx = { client, table };
          if (mine.length > 0) await engine.handle(mine, tx);
          return 'applied' as const;
        });
      } catch (e) {
        if (e instanceof Refused) return e.outcome;
        throw new ReadModelError(`${projection}: applying ${batchSpan(expected, through)} failed: ${(e as Error).message}`, { cause: e });
      }
    },
    acquireLease: async (projection, owner, ttlMs) => {
      const now = clockNow();
      const r = await pool.query(
        `INSERT INTO ${leases} (projection, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE ${leases}.owner = excluded.owner OR ${leases}.expires_at <= $4`,
        [projection, owner, now + ttlMs, now],
      );
      return r.rowCount === 1;
    },
    releaseLease: async (projection, owner) => {
      await pool.query(`DELETE FROM ${leases} WHERE projection = $1 AND owner = $2`, [projection, owner]);
    },
    reset: async (projection) => {
      await inTransaction(pool, async (client) => {
        for (const t of await tablesOf(client)) await client.query(`DELETE FROM ${t}`);
        await client.query(`DELETE FROM ${checkpoints} WHERE projection = $1`, [projection]);
      });
    },
  };
  const reader: ProjectionReader = {
    checkpoint: async (projection = def.name) =>
      Number((await pool.query<{ position: string }>(`SELECT position FROM ${checkpoints} WHERE projection = $1`, [projection])).rows[0]?.position ?? 0),
    hashAt: async (position) =>
      (await pool.query<{ hash: string | null }>(`SELECT hash FROM ${checkpoints} WHERE position = $1 AND position > 0`, [position])).rows[0]?.hash ??
      null,
  };
  return { projection: def.name, filter: filterOf(def), reader, writer, prefix, table, close: async () => undefined };
};
