import { ledgerRegistry } from '@minsheng/core';
import { ANY, NO_STREAM } from '@minsheng/event-store';
import { fails, makeTestEvents, ok } from '@minsheng/event-store/testing';
import { Pool } from 'pg';
import { createPostgresEventStore, openPostgresEventStore } from './store';
import { usePostgres } from './testing';

const pg = usePostgres();

/** Sessions the server has accepted into this database so far (PostgreSQL 14+). */
const sessions = async (pool: Pool): Promise<number> =>
  Number((await pool.query('SELECT sessions FROM pg_stat_database WHERE datname = current_database()')).rows[0].sessions);

describe('connections', () => {
  let admin: Pool;
  beforeAll(() => {
    admin = new Pool({ connectionString: pg.databaseUrl(), max: 1 });
  });
  afterAll(() => admin.end());

  it('keeps one pool per store: hundreds of calls open no more connections than the pool holds', async () => {
    const store = await createPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema: 'pooled', poolSize: 3 });
    const before = await sessions(admin);
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 40; i++) {
          await ok(store.append(`progress-${w}`, makeTestEvents(1), ANY));
          await ok(store.readStream(`progress-${w}`, { direction: 'backward', maxCount: 1 }));
        }
      }),
    );
    expect(await ok(store.headPosition())).toBe(240);
    expect((await sessions(admin)) - before).toBeLessThanOrEqual(3);
    await store.close();
    // The server notices closed connections a moment after the client has gone.
    const still = async () => (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'minsheng-ledger'")).rows[0].n;
    for (let i = 0; i < 100 && (await still()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await still()).toBe(0);
  });

  it('leaves a pool passed in open when the store closes', async () => {
    const pool = new Pool({ connectionString: pg.databaseUrl(), max: 2 });
    try {
      const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'borrowed' });
      await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
      await store.close();
      await fails(store.readAll(), 'StoreUnavailable');
      expect((await pool.query('SELECT count(*)::int AS n FROM "borrowed".events')).rows[0].n).toBe(2);
      const second = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: 'borrowed' });
      expect(await ok(second.headPosition())).toBe(2);
      await second.close();
    } finally {
      await pool.end();
    }
  });

  it('reports an engine failure inside an append as StoreUnavailable, and writes nothing', async () => {
    let fail = false;
    const store = await openPostgresEventStore(
      { connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema: 'failing', poolSize: 1 },
      {
        beforeCommit: async () => {
          // The server ends this connection mid-transaction, as a restart or a network cut would.
          if (fail) await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'minsheng-ledger' AND state = 'idle in transaction'");
        },
      },
    );
    await ok(store.append('progress-a', makeTestEvents(1), NO_STREAM));
    fail = true;
    expect((await fails(store.append('progress-a', makeTestEvents(2), 0), 'StoreUnavailable')).message).toMatch(/terminat|Connection/i);
    fail = false;
    // The broken connection was discarded; the pool opens a new one and nothing was half-written.
    expect(await ok(store.append('progress-a', makeTestEvents(1), 0))).toMatchObject({ positions: [2], nextRevision: 1 });
    await store.close();
  });

  it('fails to open, rather than later, when the server cannot be reached', async () => {
    const url = new URL(pg.databaseUrl());
    url.port = '1';
    await expect(createPostgresEventStore({ connectionString: url.toString(), registry: ledgerRegistry })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('needs exactly one of connectionString and pool', async () => {
    await expect(createPostgresEventStore({ registry: ledgerRegistry } as never)).rejects.toThrow(TypeError);
  });
});
