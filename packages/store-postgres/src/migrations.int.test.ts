import { canonicalJson, ledgerRegistry } from '@minsheng/core';
import { NO_STREAM } from '@minsheng/event-store';
import { makeTestEvent, ok } from '@minsheng/event-store/testing';
import { Pool } from 'pg';
import { appliedMigrations, LATEST_SCHEMA_VERSION, migrate, PostgresSchemaError, schemaVersion } from './migrations';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

const pg = usePostgres();
/** Every migration version, oldest first. */
const ALL = Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1);
let pool: Pool;

const tables = async (schema: string) =>
  (await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema])).rows.map(
    (r) => r.table_name,
  );

describe('migrations', () => {
  beforeAll(() => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 4 });
  });
  afterAll(() => pool.end());

  it('builds a fresh schema at the latest version, once', async () => {
    expect(await schemaVersion(pool, 'fresh')).toBe(0);
    const first = await migrate(pool, { schema: 'fresh' });
    expect(first).toEqual({ schema: 'fresh', from: 0, to: LATEST_SCHEMA_VERSION, applied: ALL.map((version) => ({ version, name: expect.any(String) })) });
    expect(await tables('fresh')).toEqual(['events', 'merkle_sizes', 'minsheng_migrations', 'streams']);
    expect(await tables('public')).toEqual([]);

    expect(await migrate(pool, { schema: 'fresh' })).toEqual({ schema: 'fresh', from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
    const applied = await appliedMigrations(pool, 'fresh');
    expect(applied.map((m) => m.version)).toEqual(ALL);
    expect(applied[0]!.appliedAt).toBeInstanceOf(Date);
  });

  it('puts the ledger in the "minsheng" schema by default', async () => {
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry });
    await store.close();
    expect(await tables('minsheng')).toEqual(['events', 'merkle_sizes', 'minsheng_migrations', 'streams']);
    expect(await schemaVersion(pool)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('lets many processes open a fresh database at once: one of them migrates', async () => {
    const pools = Array.from({ length: 6 }, () => new Pool({ connectionString: pg.databaseUrl(), max: 1 }));
    try {
      const stores = await Promise.all(pools.map((p) => createPostgresEventStore({ pool: p, registry: ledgerRegistry, schema: 'racing' })));
      await Promise.all(stores.map((s) => s.close()));
      expect((await appliedMigrations(pool, 'racing')).map((m) => m.version)).toEqual(ALL);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a database whose schema is newer than this build, and leaves it untouched', async () => {
    await migrate(pool, { schema: 'future' });
    await pool.query(`INSERT INTO "future".minsheng_migrations (version, name) VALUES (99, 'from a later release')`);
    const before = await appliedMigrations(pool, 'future');

    const refused = createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'future' });
    await expect(refused).rejects.toBeInstanceOf(PostgresSchemaError);
    await expect(refused).rejects.toThrow(
      `schema version 99, written by a newer @minsheng/store-postgres; this build knows versions up to ${LATEST_SCHEMA_VERSION}`,
    );
    await expect(migrate(pool, { schema: 'future' })).rejects.toMatchObject({ found: 99, known: LATEST_SCHEMA_VERSION, schema: 'future' });
    expect(await appliedMigrations(pool, 'future')).toEqual(before);
  });

  it('with migrate: false, refuses a schema that is not current and names the command that fixes it', async () => {
    const open = () => createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'later', migrate: false });
    await expect(open()).rejects.toThrow(`schema version 0 and this build needs ${LATEST_SCHEMA_VERSION}; run \`minsheng migrate\``);
    expect(await tables('later')).toEqual([]);
    await migrate(pool, { schema: 'later' });
    await (await open()).close();
  });

  it('keeps separate ledgers in separate schemas', async () => {
    const a = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'ledger_a' });
    const b = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'ledger_b' });
    await ok(a.append('progress-7-daoli', [makeTestEvent()], NO_STREAM));
    expect(await ok(b.append('progress-7-daoli', [makeTestEvent()], NO_STREAM))).toMatchObject({ positions: [1] });
    expect(await ok(a.headPosition())).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('stores data and metadata as canonical JSON text, the bytes the hash covers', async () => {
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'bytes' });
    const e = makeTestEvent({ note: '第二季度 \u0000 nul' });
    await ok(store.append('progress-7-daoli', [e], NO_STREAM));
    await store.close();
    const { rows } = await pool.query('SELECT data, metadata, pg_typeof(data)::text AS type FROM "bytes".events');
    expect(rows).toEqual([{ data: canonicalJson(e.data), metadata: canonicalJson(e.metadata), type: 'text' }]);
  });

  it('works with the longest schema name PostgreSQL allows (63 characters)', async () => {
    const schema = `l${'x'.repeat(62)}`;
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema });
    await ok(store.append('progress-7-daoli', [makeTestEvent()], NO_STREAM));
    expect(await ok(store.readStream('progress-7-daoli', { direction: 'backward' }))).toHaveLength(1);
    expect(await tables(schema)).toEqual(['events', 'merkle_sizes', 'minsheng_migrations', 'streams']);
    await store.close();
  });

  it('the insert trigger finds the row before each new one by key, even with a plan made on a small log', async () => {
    // Schema 3's trigger joined the new rows to the whole table with a plan PL/pgSQL keeps until
    // the table is analyzed: planned on a small log, it read every row of a large one per insert.
    const schema = 'trigger_plan';
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema });
    const client = await pool.connect();
    const forge = `INSERT INTO ${schema}.events (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
      SELECT position + 1, stream, revision + 1, event_id || '-forged', type, schema_version, data, metadata, repeat('f', 64), hash, stored_at, hash_version
      FROM ${schema}.events ORDER BY position DESC LIMIT 1`;
    /** A forged row, refused by the trigger; the rows of the events table this connection's transaction read one by one. */
    const refusedForgery = async (): Promise<number> => {
      await client.query('BEGIN; SAVEPOINT forged');
      await expect(client.query(forge)).rejects.toThrow('events are append-only');
      await client.query('ROLLBACK TO SAVEPOINT forged');
      const { rows } = await client.query<{ read: string }>(`SELECT seq_tup_read AS read FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND relname = 'events'`, [schema]);
      await client.query('ROLLBACK');
      return Number(rows[0]!.read);
    };
    try {
      await ok(store.append('progress-a', [makeTestEvent()], NO_STREAM));
      // The trigger's statements are planned on this connection while the log holds one event.
      await refusedForgery();
      for (let i = 0; i < 20; i++) await ok(store.append(`progress-${i}`, Array.from({ length: 100 }, () => makeTestEvent()), NO_STREAM));
      expect(await refusedForgery()).toBe(0);
    } finally {
      client.release();
      await store.close();
    }
  });

  it.each([['Ledger'], ['has space'], ['a"b'], [''], ['x'.repeat(64)]])('refuses the schema name %j', async (bad) => {
    await expect(createPostgresEventStore({ pool, registry: ledgerRegistry, schema: bad })).rejects.toThrow(TypeError);
  });
});
