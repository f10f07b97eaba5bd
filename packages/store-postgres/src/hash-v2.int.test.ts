import { chainVerifier, GENESIS_HASH, ledgerRegistry, type StoredEvent } from '@minsheng/core';
import { chainRow, chainRowV1, encodeEvent, NO_STREAM, type StoredRow } from '@minsheng/event-store';
import { makeTestEvent, makeTestEvents, ok } from '@minsheng/event-store/testing';
import { Pool } from 'pg';
import { migrate } from './migrations';
import { ledgerNames } from './names';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

const pg = usePostgres();
let pool: Pool;
let count = 0;
const STORED_AT = '2024-07-01T01:30:00.000Z';

const verify = (log: readonly StoredEvent[]) => {
  const v = chainVerifier();
  for (const e of log) {
    const r = v.check(e);
    if (r._tag === 'ChainBroken') return r;
  }
  return { _tag: 'ChainOk', count: v.count };
};

const insert = (schema: string, row: StoredRow, withVersion = true) =>
  pool.query(
    `INSERT INTO ${ledgerNames(schema).events} (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at${withVersion ? ', hash_version' : ''})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11${withVersion ? ', $12' : ''})`,
    [row.position, row.eventId, row.stream, row.revision, row.type, row.schemaVersion, row.data, row.metadata, row.prevHash, row.hash, row.storedAt, ...(withVersion ? [row.hashVersion] : [])],
  );

/** Rows in one INSERT statement: the trigger checks a statement's rows together (schema 3). */
const insertMany = (schema: string, rows: readonly StoredRow[]) =>
  pool.query(
    `INSERT INTO ${ledgerNames(schema).events} (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
     VALUES ${rows.map((_, i) => `(${Array.from({ length: 12 }, (_, j) => `$${i * 12 + j + 1}`).join(', ')})`).join(', ')}`,
    rows.flatMap((row) => [row.position, row.eventId, row.stream, row.revision, row.type, row.schemaVersion, row.data, row.metadata, row.prevHash, row.hash, row.storedAt, row.hashVersion]),
  );

const open = (schema: string) => createPostgresEventStore({ pool, registry: ledgerRegistry, schema });

describe('hash v2 on PostgreSQL', () => {
  beforeAll(() => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 4 });
  });
  afterAll(() => pool.end());

  it('keeps rows written before it at version 1, writes new ones at version 2, and the whole log verifies', async () => {
    const schema = `v1_log_${++count}`;
    await migrate(pool, { schema, target: 1 });
    let prev = GENESIS_HASH;
    for (const [i, e] of makeTestEvents(3).entries()) {
      const row = chainRowV1(prev, i + 1, 'progress-7-daoli', i, encodeEvent(e), STORED_AT);
      await insert(schema, row, false);
      prev = row.hash;
    }
    await pool.query(`INSERT INTO ${ledgerNames(schema).streams} (stream, revision) VALUES ('progress-7-daoli', 2)`);

    const store = await open(schema);
    await ok(store.append('progress-7-daoli', makeTestEvents(2), 2));
    const log = await ok(store.readAll({ raw: true }));
    expect(log.map((e) => e.hashVersion)).toEqual([1, 1, 1, 2, 2]);
    expect(log[0]!.storedAt).toBe(STORED_AT);
    expect(verify(log)).toEqual({ _tag: 'ChainOk', count: 5 });
    await store.close();
  });

  describe('the insert trigger', () => {
    /** A ledger with three events and the row the store would write next. */
    const seeded = async () => {
      const schema = `forged_${++count}`;
      const store = await open(schema);
      await ok(store.append('progress-7-daoli', makeTestEvents(3), NO_STREAM));
      const head = (await ok(store.readAll({ fromPosition: 2, raw: true })))[0]!;
      await store.close();
      const next = chainRow(head.hash, 4, 'progress-7-daoli', 3, encodeEvent(makeTestEvent()), new Date().toISOString());
      return { schema, next };
    };

    it.each<[string, (next: StoredRow) => StoredRow]>([
      ['whose prev_hash is not the head’s hash', (next) => ({ ...next, prevHash: 'f'.repeat(64) })],
      ['past the head, leaving a gap', (next) => ({ ...next, position: 5 })],
      ['that goes back to hash version 1', (next) => ({ ...next, hashVersion: 1 })],
    ])('refuses a raw row %s', async (_what, forge) => {
      const { schema, next } = await seeded();
      await expect(insert(schema, forge(next))).rejects.toThrow(/append-only: an insert must add the next event, linked to the last one/);
      const store = await open(schema);
      expect((await ok(store.readAll({ raw: true }))).map((e) => e.position)).toEqual([1, 2, 3]);
      await store.close();
    });

    it('refuses a first row that does not link to the genesis hash', async () => {
      const schema = `forged_${++count}`;
      await migrate(pool, { schema });
      const row = chainRow('a'.repeat(64), 1, 'progress-7-daoli', 0, encodeEvent(makeTestEvent()), STORED_AT);
      await expect(insert(schema, row)).rejects.toThrow(/append-only/);
      await expect(insert(schema, { ...row, prevHash: GENESIS_HASH, position: 2 })).rejects.toThrow(/append-only/);
    });

    it('refuses a statement of several rows when any one of them does not follow the row before it', async () => {
      const { schema, next } = await seeded();
      const after = chainRow(next.hash, 5, 'progress-7-daoli', 4, encodeEvent(makeTestEvent()), next.storedAt);
      for (const rows of [
        [next, { ...after, prevHash: 'f'.repeat(64) }],
        [next, { ...after, position: 6 }],
        [next, { ...after, hashVersion: 1 }],
        [{ ...next, prevHash: 'f'.repeat(64) }, after],
      ])
        await expect(insertMany(schema, rows)).rejects.toThrow(/append-only: an insert must add the next event, linked to the last one/);
      const store = await open(schema);
      expect((await ok(store.readAll({ raw: true }))).map((e) => e.position)).toEqual([1, 2, 3]);
      await store.close();
      await insertMany(schema, [next, after]);
      const reopened = await open(schema);
      expect(verify(await ok(reopened.readAll({ raw: true })))).toEqual({ _tag: 'ChainOk', count: 5 });
      await reopened.close();
    });

    it('refuses a row that fills a hole below the head, even linked to the row before it', async () => {
      const { schema } = await seeded();
      const events = ledgerNames(schema).events;
      const second = (await pool.query(`SELECT * FROM ${events} WHERE position = 2`)).rows[0];
      await pool.query(`ALTER TABLE ${events} DISABLE TRIGGER events_append_only; DELETE FROM ${events} WHERE position = 2; ALTER TABLE ${events} ENABLE TRIGGER events_append_only`);
      const first = (await pool.query(`SELECT hash FROM ${events} WHERE position = 1`)).rows[0].hash as string;
      const filler = chainRow(first, 2, 'progress-7-elsewhere', 0, encodeEvent(makeTestEvent()), STORED_AT);
      await expect(insert(schema, filler)).rejects.toThrow(/append-only: an insert must add the next event, linked to the last one \(position 2, head 3\)/);
      expect(second.position).toBe('2');
    });

    it('lets through a row chained exactly as the store chains it (its hash is for readers to check)', async () => {
      const { schema, next } = await seeded();
      await insert(schema, next);
      const store = await open(schema);
      expect(verify(await ok(store.readAll({ raw: true })))).toEqual({ _tag: 'ChainOk', count: 4 });
      await store.close();
    });
  });
});
