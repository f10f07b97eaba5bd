import type { LedgerEventData, PlanFrame, TargetSetData } from '@minsheng/core';
import type { Pool, PoolClient } from 'pg';
import { batchSpan, throughOf, type Batch } from './index-rows';
import { ledgerIndexPostgres } from './ledger-index-definition';
import { writePostgresIndexRows } from './ledger-index-postgres';
import type { ApplyOutcome, ReadModelWriter } from './projection';
import { figureVersion, recorded, retraction, type Row } from './row-mapping';
import { gatheredByMoment } from './gathered-figures';
import { pgEffectiveFiguresSql, refreshInForce, statementName } from './postgres-in-force';
import type { FigureVersion, ReadModelReader } from './rows';
import { DEFAULT_PG_SCHEMA, inSchema, PG_QUERY_INDEXES, PG_READ_MODEL_SCHEMA_VERSION, PG_ROW_TABLES, pgQueryIndexDdl, pgReadModelDdl } from './postgres-schema';
import { ReadModelError, ReadModelVersionError } from './sqlite';

export interface PostgresReadModelOptions {
  readonly connectionString?: string;
  /** A pool of the caller's; close() leaves it open. */
  readonly pool?: Pool;
  /** Schema of this read-model version (default minsheng_rm). */
  readonly schema?: string;
  /** Whether views of the present read each pair's figure in force from its row (default true; see SqliteReadModelOptions). */
  readonly inForceRows?: boolean;
}

export interface PostgresReadModel {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
  readonly schema: string;
  close(): Promise<void>;
}

/** Events a batch during a large catch-up (see ReadModelWriter.bulkBatchSize). */
export const PG_BULK_BATCH = 20_000;

/** Runs `work` in one transaction on one pooled connection; it commits only when `work` says so. */
const inTransaction = async <T>(pool: Pool, work: (client: PoolClient) => Promise<{ value: T; commit: boolean }>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { value, commit } = await work(client);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return value;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};

/**
 * The ledger index in PostgreSQL, for many projection workers. A batch inserts its rows
 * with multi-row statements and moves the checkpoint with a compare-and-set, in one
 * transaction; with an owner, the lease is checked in the same transaction (fencing).
 */
export const createPostgresReadModel = async (options: PostgresReadModelOptions): Promise<PostgresReadModel> => {
  const s = options.schema ?? DEFAULT_PG_SCHEMA;
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new RangeError(`read-model schema "${s}" must be lower-case letters, digits and underscores`);
  const t = inSchema(s);
  const owned = !options.pool;
  // pg is loaded here, not with this package: SQLite users (every `minsheng` command on SQLite) skip its ~30 ms load.
  // Without parallel query, as the event store's own sessions (store-postgres session.ts): a
  // view's reads are small, and starting workers costs more than they save.
  const sessionOptions = [process.env.PGOPTIONS, '-c max_parallel_workers_per_gather=0'].filter((o) => o !== undefined && o.trim() !== '').join(' ');
  const pool = options.pool ?? new (await import('pg')).Pool({ connectionString: options.connectionString, max: 4, options: sessionOptions });
  // An idle connection the server drops emits 'error' on the pool; unheard, it would end the process.
  // The next query gets a fresh connection (or fails with its own error), so there is nothing else to do.
  if (owned) pool.on('error', () => undefined);
  const version = await pool
    .query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`)
    .then((r) => r.rows[0]?.value as string | undefined)
    .catch(() => undefined);
  if (version !== undefined && Number(version) > PG_READ_MODEL_SCHEMA_VERSION)
    throw new ReadModelVersionError(
      `the read model in schema ${s} has schema version ${version}, newer than this library's ${PG_READ_MODEL_SCHEMA_VERSION}; upgrade Minsheng Ledger`,
    );
  // A current schema is left alone: its DDL would wait behind (and could deadlock with) batches
  // in flight. Two workers creating it at once serialise on an advisory lock.
  if (version === undefined || Number(version) < PG_READ_MODEL_SCHEMA_VERSION) {
    await inTransaction(pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`minsheng-read-model:${s}`]);
      // Read again under the lock: another worker may have upgraded it meanwhile. An older read
      // model holds nothing the log does not: dropped, it is rebuilt from position 0 by the next catch-up.
      // (A failed statement would abort the transaction: the table's existence is asked first.)
      const hasMeta = (await c.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`${s}.meta`])).rows[0].exists as boolean;
      const found = hasMeta
        ? ((await c.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`)).rows[0]?.value as string | undefined)
        : undefined;
      if (found !== undefined && Number(found) < PG_READ_MODEL_SCHEMA_VERSION)
        await c.query(`DROP TABLE ${['meta', 'checkpoints', 'leases', ...PG_ROW_TABLES].map((t) => `${s}.${t}`).join(', ')}`);
      await c.query(pgReadModelDdl(s));
      await c.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [
        String(PG_READ_MODEL_SCHEMA_VERSION),
      ]);
      return { value: undefined, commit: true };
    });
  }

  /**
   * Builds the query indexes a bulk load from 0 dropped, and reads every pair's figure in force
   * again with them (see keepInForce), in one transaction: at the load's end, or, when a process
   * died during one, when the read model is next opened or its lease next taken. Only the tables'
   * owner may build indexes: a projector then reads every pair again without them (slowly), and a
   * reader, which may do neither, leaves both to them.
   */
  const queryIndexesMissing = async (): Promise<boolean> =>
    (await pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[])`, [s, PG_QUERY_INDEXES]))
      .rows[0].n < PG_QUERY_INDEXES.length;
  const buildQueryIndexes = () =>
    inTransaction(pool, async (c) => {
      await c.query(pgQueryIndexDdl(t));
      // Statistics first: the refresh walks figures_lookup only if the planner knows the table is not empty.
      await c.query(`ANALYZE ${s}.figures, ${s}.retractions, ${s}.pairs`);
      await refreshInForce(c, t);
      return { value: undefined, commit: true };
    });
  const repair = async (): Promise<void> => {
    if (!(await queryIndexesMissing())) return;
    if (await buildQueryIndexes().then(() => true, () => false)) return;
    await refreshInForce(pool, t).catch(() => undefined);
  };
  await repair();
  /** Whether this writer runs a bulk load from 0, its query indexes dropped and pairs' figures in force deferred. */
  let deferred = false;

  const apply = async (projection: string, expected: number, through: number, batch: Batch, owner?: string): Promise<ApplyOutcome> => {
    try {
      return await inTransaction<ApplyOutcome>(pool, async (client) => {
        if (owner !== undefined) {
          const lease = await client.query(
            `SELECT 1 FROM ${s}.leases WHERE projection = $1 AND owner = $2 AND expires_at > clock_timestamp() FOR SHARE`,
            [projection, owner],
          );
          if (lease.rowCount === 0) return { value: 'lease-lost', commit: false };
        }
        await client.query(`INSERT INTO ${s}.checkpoints (projection, position, updated_at) VALUES ($1, 0, now()) ON CONFLICT DO NOTHING`, [projection]);
        const moved = await client.query(
          `UPDATE ${s}.checkpoints SET position = $1, updated_at = now() WHERE projection = $2 AND position = $3`,
          [through, projection, expected],
        );
        if (moved.rowCount !== 1) return { value: 'checkpoint-moved', commit: false };
        // Events go through the projection's handler; rows made in reader threads to the same writer.
        if (batch.rows) await writePostgresIndexRows(client, t, batch.rows, deferred);
        else await ledgerIndexPostgres.handle(batch.events, deferred ? { client, table: t, deferInForce: true } : { client, table: t });
        return { value: 'applied', commit: true };
      });
    } catch (e) {
      throw new ReadModelError(`${projection}: applying ${batchSpan(expected, through)} failed: ${(e as Error).message}`, { cause: e });
    }
  };

  const writer: ReadModelWriter = {
    applyBatch: (projection, expected, events, owner) => apply(projection, expected, throughOf(events, expected), { events }, owner),
    applyRows: (projection, expected, through, rows, owner) => apply(projection, expected, through, { rows }, owner),
    reset: (projection) =>
      inTransaction(pool, async (client) => {
        await client.query(`TRUNCATE ${PG_ROW_TABLES.map((t) => `${s}.${t}`).join(', ')}`);
        await client.query(`DELETE FROM ${s}.checkpoints WHERE projection = $1`, [projection]);
        return { value: undefined, commit: true };
      }),
    // Each batch costs about ten round trips (BEGIN, the checkpoint, one insert a table, the pairs
    // read and written, COMMIT): 20,000 events a batch make a quarter as many as the default 5,000.
    bulkBatchSize: PG_BULK_BATCH,
    ensureIndexes: async () => {
      if (!deferred) await repair();
    },
    acquireLease: async (projection, owner, ttlMs) => {
      const r = await pool.query(
        `INSERT INTO ${s}.leases (projection, owner, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE ${s}.leases.owner = excluded.owner OR ${s}.leases.expires_at <= clock_timestamp()`,
        [projection, owner, ttlMs],
      );
      return r.rowCount === 1;
    },
    releaseLease: async (projection, owner) => {
      await pool.query(`DELETE FROM ${s}.leases WHERE projection = $1 AND owner = $2`, [projection, owner]);
    },
    // After a large catch-up the planner's statistics still describe the tables before it (empty,
    // after a rebuild) until autovacuum comes round: the effective-figure query then sorted every
    // figure of a pair instead of walking its index and stopping at the first (tens of ms a metric).
    // From 0 it also drops the query indexes (PG_QUERY_INDEXES) and builds them at the end, as the
    // SQLite read model does; pairs' figures in force wait for them (read again all at once).
    withBulkLoad: async (load, { fromZero }) => {
      try {
        if (!fromZero || deferred) return await load();
        // Only the tables' owner may drop and build indexes: a projector role loads batch by batch as before.
        const dropped = await pool.query(`DROP INDEX IF EXISTS ${PG_QUERY_INDEXES.map((i) => `${s}.${i}`).join(', ')}`).then(
          () => true,
          () => false,
        );
        if (!dropped) return await load();
        deferred = true;
        let loaded;
        try {
          loaded = await load();
        } catch (e) {
          // The load's failure is the one to report; the indexes are built on the next open if not now.
          deferred = false;
          await buildQueryIndexes().catch(() => undefined);
          throw e;
        }
        deferred = false;
        await buildQueryIndexes();
        return loaded;
      } finally {
        await pool.query(`ANALYZE ${PG_ROW_TABLES.map((t) => `${s}.${t}`).join(', ')}`).catch(() => undefined);
      }
    },
  };

  const rows = async (text: string, params: unknown[]): Promise<Row[]> => (await pool.query(text, params)).rows as Row[];

  /**
   * A snapshot asks for every metric's effective figures at once (one call a metric, in the same
   * tick): the calls made for the same plan and moment before the next microtask are answered by
   * one prepared statement, one round trip for every pair of the plan (see pgEffectiveFiguresSql).
   */
  const useRows = options.inForceRows ?? true;
  const effectiveFigures = gatheredByMoment(async (plan, metrics, at) => {
    const found = (
      await pool.query({
        name: `${statementName(t)}-effective-${useRows ? 'rows' : 'query'}`,
        text: pgEffectiveFiguresSql(t, useRows),
        values: [plan, metrics, at.asOf, at.knownAt],
      })
    ).rows as Row[];
    const byMetric = new Map<string, FigureVersion[]>(metrics.map((m) => [m, []]));
    for (const r of found) byMetric.get(r.effective_metric as string)!.push(figureVersion(r));
    return byMetric;
  });

  /** The hash of the row some event made at `position` (an SQL expression): each event adds one row to one table. */
  const hashAtSql = (position: string) =>
    ['plans', 'targets', 'figures', 'retractions', 'completions', 'missed'].map((t) => `SELECT hash FROM ${s}.${t} WHERE position = ${position}`).join(' UNION ALL ') + ' LIMIT 1';
  const reader: ReadModelReader = {
    checkpoint: async (projection = 'ledger-index') =>
      Number((await rows(`SELECT position FROM ${s}.checkpoints WHERE projection = $1`, [projection]))[0]?.position ?? 0),
    projections: async () =>
      (
        await rows(
          `SELECT COALESCE(c.projection, l.projection) AS projection, c.position, c.updated_at, l.owner,
                  (extract(epoch from l.expires_at) * 1000)::bigint AS expires_at
           FROM ${s}.checkpoints c FULL JOIN ${s}.leases l ON l.projection = c.projection ORDER BY 1`,
          [],
        )
      ).map((r) => ({
        projection: r.projection as string,
        checkpoint: Number(r.position ?? 0),
        updatedAt: r.updated_at ? new Date(r.updated_at as string).toISOString() : null,
        owner: (r.owner as string | null) ?? null,
        leaseExpiresAt: r.expires_at === null || r.expires_at === undefined ? null : Number(r.expires_at),
      })),
    hashAt: async (position) => ((await rows(`SELECT (${hashAtSql('$1')}) AS hash`, [position]))[0]?.hash as string | null | undefined) ?? null,
    checkpointAndHash: async (projection) => {
      const r = (
        await rows(`SELECT c.position, (${hashAtSql('c.position')}) AS hash FROM ${s}.checkpoints c WHERE c.projection = $1`, [projection])
      )[0];
      return { checkpoint: Number(r?.position ?? 0), hash: r && Number(r.position) > 0 ? ((r.hash as string | null) ?? null) : null };
    },
    planIds: async () => (await rows(`SELECT DISTINCT plan_id FROM ${s}.plans ORDER BY plan_id`, [])).map((r) => r.plan_id as string),
    frame: async (plan, knownAt) => {
      const r = (await rows(`SELECT * FROM ${s}.plans WHERE plan_id = $1 AND recorded_at <= $2 ORDER BY position DESC LIMIT 1`, [plan, knownAt]))[0];
      return r ? recorded<PlanFrame>(r) : null;
    },
    targets: async (plan, knownAt, metrics) =>
      (
        await rows(
          `SELECT t.* FROM ${s}.targets t WHERE t.plan_id = $1 AND t.recorded_at <= $2
             AND ($3::text[] IS NULL OR t.metric = ANY($3::text[]))
             AND NOT EXISTS (SELECT 1 FROM ${s}.targets n WHERE n.plan_id = t.plan_id AND n.metric = t.metric
                             AND n.recorded_at <= $2 AND n.position > t.position)
           ORDER BY t.task, t.position`,
          [plan, knownAt, metrics ?? null],
        )
      ).map((r) => recorded<TargetSetData>(r)),
    effectiveFigures: (plan, metric, at) => effectiveFigures.get(plan, metric, at),
    reports: async (ids) => ({
      versions: (await rows(`SELECT * FROM ${s}.figures WHERE report_id = ANY($1::text[]) ORDER BY position`, [ids])).map(figureVersion),
      retractions: (await rows(`SELECT * FROM ${s}.retractions WHERE report_id = ANY($1::text[]) ORDER BY position`, [ids])).map(retraction),
    }),
    history: async (plan, metric, place) => ({
      versions: (
        await rows(
          `SELECT * FROM ${s}.figures WHERE plan_id = $1 AND metric = $2 AND ($3::text IS NULL OR place = $3) ORDER BY position`,
          [plan, metric, place],
        )
      ).map(figureVersion),
      retractions: (
        await rows(
          `SELECT x.* FROM ${s}.retractions x JOIN ${s}.figures r ON r.event_id = x.report_id
           WHERE r.plan_id = $1 AND r.metric = $2 AND ($3::text IS NULL OR r.place = $3) ORDER BY x.position`,
          [plan, metric, place],
        )
      ).map(retraction),
    }),
    completions: async (plan, knownAt) =>
      (await rows(`SELECT * FROM ${s}.completions WHERE plan_id = $1 AND recorded_at <= $2 ORDER BY position`, [plan, knownAt])).map((r) =>
        recorded<LedgerEventData<'TaskCompleted'>>(r),
      ),
    missed: async (plan, knownAt) =>
      (await rows(`SELECT * FROM ${s}.missed WHERE plan_id = $1 AND recorded_at <= $2 ORDER BY position`, [plan, knownAt])).map((r) =>
        recorded<LedgerEventData<'DeadlineMissed'>>(r),
      ),
    reportedBy: async (plan, metric, before) =>
      (await rows(`SELECT 1 FROM ${s}.figures WHERE plan_id = $1 AND metric = $2 AND kind = 'report' AND recorded_at <= $3 LIMIT 1`, [plan, metric, before]))
        .length > 0,
    findReport: async (eventId) => {
      const r = (await rows(`SELECT * FROM ${s}.figures WHERE event_id = $1`, [eventId]))[0];
      return r ? figureVersion(r) : null;
    },
    // The WAL insert position moves with every write to the server (a hand edit among them; the
    // write position would lag behind a commit without synchronous_commit); on
    // a replica, the position replayed. Coarse (other databases' writes move it too), never stale.
    changeMark: async () =>
      String(
        (await rows(`SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END AS mark`, []))[0]!.mark,
      ),
  };

  return {
    reader,
    writer,
    schema: s,
    close: async () => {
      if (owned) await pool.end();
    },
  };
};
