import { usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { randomHistory, runReadModelContract } from '../testing';
import { createPostgresReadModel, type PostgresReadModel } from './postgres';
import { PG_QUERY_INDEXES, PG_READ_MODEL_SCHEMA_VERSION, PG_ROW_TABLES } from './postgres-schema';
import { ReadModelVersionError } from './sqlite';

const pg = usePostgres();
let n = 0;

runReadModelContract('PostgreSQL', {
  create: async () => createPostgresReadModel({ connectionString: pg.databaseUrl(), schema: `rm_contract_${++n}` }),
  dispose: async (m) => (m as PostgresReadModel).close(),
  inForce: async (m) => {
    const schema = (m as PostgresReadModel).schema;
    const reference = await createPostgresReadModel({ connectionString: pg.databaseUrl(), schema, inForceRows: false });
    const pool = new Pool({ connectionString: pg.databaseUrl(), max: 1 });
    return {
      rows: async () =>
        (await pool.query(`SELECT plan_id AS plan, metric, place, in_force_position AS position FROM ${schema}.pairs ORDER BY place`)).rows.map((r) => ({
          ...r,
          position: r.position === null ? null : Number(r.position),
        })),
      reference: reference.reader,
      close: async () => {
        await pool.end();
        await reference.close();
      },
    };
  },
});

describe('PostgreSQL read model', () => {
  it('refuses a schema whose read model is newer than this library', async () => {
    const rm = await createPostgresReadModel({ connectionString: pg.databaseUrl(), schema: 'rm_newer' });
    await rm.close();
    const pool = new Pool({ connectionString: pg.databaseUrl() });
    await pool.query(`UPDATE rm_newer.meta SET value = '99' WHERE key = 'schema_version'`);
    await expect(createPostgresReadModel({ pool, schema: 'rm_newer' })).rejects.toThrow(ReadModelVersionError);
    await pool.end();
  });

  it('drops a read model of an older schema version and starts it again from position 0', async () => {
    const rm = await createPostgresReadModel({ connectionString: pg.databaseUrl(), schema: 'rm_older' });
    expect(await rm.writer.applyBatch('ledger-index', 0, randomHistory(2, 10))).toBe('applied');
    await rm.close();
    const pool = new Pool({ connectionString: pg.databaseUrl() });
    try {
      // Version 1 had no in-force columns: a batch of this release could not write its pairs.
      await pool.query(`UPDATE rm_older.meta SET value = '1' WHERE key = 'schema_version'; ALTER TABLE rm_older.pairs DROP COLUMN in_force_position`);
      const again = await createPostgresReadModel({ pool, schema: 'rm_older' });
      expect(await again.reader.checkpoint()).toBe(0);
      expect((await pool.query(`SELECT value FROM rm_older.meta WHERE key = 'schema_version'`)).rows[0].value).toBe(String(PG_READ_MODEL_SCHEMA_VERSION));
      expect(await again.writer.applyBatch('ledger-index', 0, randomHistory(2, 10))).toBe('applied');
      expect((await pool.query(`SELECT count(*)::int AS n FROM rm_older.pairs WHERE in_force_position IS NOT NULL`)).rows[0].n).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });

  // Whether it holds while nobody writes is not asserted: autovacuum may write at any moment.
  it('moves its change mark when another session changes a row', async () => {
    const rm = await createPostgresReadModel({ connectionString: pg.databaseUrl(), schema: 'rm_mark' });
    const pool = new Pool({ connectionString: pg.databaseUrl() });
    try {
      await pool.query(`INSERT INTO rm_mark.meta (key, value) VALUES ('note', 'a')`);
      const before = await rm.reader.changeMark!();
      await pool.query(`UPDATE rm_mark.meta SET value = 'b' WHERE key = 'note'`);
      expect(await rm.reader.changeMark!()).not.toBe(before);
    } finally {
      await pool.end();
      await rm.close();
    }
  });

  it('creates its schema once when several workers start at the same moment', async () => {
    const models = await Promise.all([1, 2, 3, 4].map(() => createPostgresReadModel({ connectionString: pg.databaseUrl(), schema: 'rm_race' })));
    expect(await Promise.all(models.map((m) => m.reader.checkpoint()))).toEqual([0, 0, 0, 0]);
    await Promise.all(models.map((m) => m.close()));
  });

  describe('a bulk load from position 0', () => {
    // Event ids are new each call: one history, written by both.
    const batches = (seed: number) => {
      const events = randomHistory(seed, 240);
      return [0, 60, 120, 180].map((from) => ({ from, events: events.slice(from, from + 60) }));
    };
    /** Each table's row count and a digest of its rows, every column. */
    const tables = async (pool: Pool, schema: string) =>
      Object.fromEntries(
        await Promise.all(
          PG_ROW_TABLES.map(async (t) => {
            const r = (await pool.query(`SELECT count(*)::int AS n, md5(string_agg(r::text, '|' ORDER BY r::text)) AS digest FROM ${schema}.${t} r`)).rows[0];
            return [t, `${r.n} rows, ${r.digest}`];
          }),
        ),
      );
    const queryIndexes = async (pool: Pool, schema: string) =>
      (await pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[]) ORDER BY 1`, [schema, PG_QUERY_INDEXES]))
        .rows.map((r) => r.indexname);

    it('writes the rows batch-by-batch writing does, its query indexes built at the end', async () => {
      const pool = new Pool({ connectionString: pg.databaseUrl() });
      try {
        for (const seed of [21, 22, 23]) {
          const plain = await createPostgresReadModel({ pool, schema: `rm_plain_${seed}` });
          const bulk = await createPostgresReadModel({ pool, schema: `rm_bulk_${seed}` });
          const history = batches(seed);
          for (const b of history) expect(await plain.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
          await bulk.writer.withBulkLoad!(async () => {
            for (const b of history) expect(await bulk.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
            expect(await queryIndexes(pool, `rm_bulk_${seed}`)).toEqual([]);
          }, { fromZero: true });
          expect(await queryIndexes(pool, `rm_bulk_${seed}`)).toEqual([...PG_QUERY_INDEXES].sort());
          expect({ seed, rows: await tables(pool, `rm_bulk_${seed}`) }).toEqual({ seed, rows: await tables(pool, `rm_plain_${seed}`) });
        }
      } finally {
        await pool.end();
      }
    });

    it('loads batch by batch as before for a role that may not drop indexes (a projector)', async () => {
      const pool = new Pool({ connectionString: pg.databaseUrl() });
      const role = `rm_projector_${process.pid}`;
      try {
        const history = batches(25);
        const plain = await createPostgresReadModel({ pool, schema: 'rm_role_plain' });
        for (const b of history) expect(await plain.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
        await createPostgresReadModel({ pool, schema: 'rm_role' });
        await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'secret'; GRANT USAGE ON SCHEMA rm_role TO ${role};
          GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA rm_role TO ${role}`);
        const url = new URL(pg.databaseUrl());
        url.username = role;
        url.password = 'secret';
        const projector = await createPostgresReadModel({ connectionString: url.toString(), schema: 'rm_role' });
        try {
          await projector.writer.withBulkLoad!(async () => {
            for (const b of history) expect(await projector.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
          }, { fromZero: true });
        } finally {
          await projector.close();
        }
        expect(await queryIndexes(pool, 'rm_role')).toEqual([...PG_QUERY_INDEXES].sort());
        expect(await tables(pool, 'rm_role')).toEqual(await tables(pool, 'rm_role_plain'));
      } finally {
        await pool.end();
      }
    });

    it('builds what a process that died during it left out when the read model is next opened', async () => {
      const pool = new Pool({ connectionString: pg.databaseUrl() });
      try {
        const plain = await createPostgresReadModel({ pool, schema: 'rm_died_plain' });
        const history = batches(24);
        for (const b of history) expect(await plain.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
        const dying = await createPostgresReadModel({ pool, schema: 'rm_died' });
        // Opened while the load runs (as by the process that takes over after a death), before its end builds anything.
        await dying.writer.withBulkLoad!(async () => {
          for (const b of history) expect(await dying.writer.applyBatch('ledger-index', b.from, b.events)).toBe('applied');
          await createPostgresReadModel({ pool, schema: 'rm_died' });
          expect(await queryIndexes(pool, 'rm_died')).toEqual([...PG_QUERY_INDEXES].sort());
          expect(await tables(pool, 'rm_died')).toEqual(await tables(pool, 'rm_died_plain'));
        }, { fromZero: true });
      } finally {
        await pool.end();
      }
    });
  });
});
