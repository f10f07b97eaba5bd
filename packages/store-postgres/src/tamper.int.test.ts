import { ledgerRegistry } from '@minsheng/core';
import { checkLogAgainst, type EventStore } from '@minsheng/event-store';
import { changeByte, runTamperings, TAMPER_EVENTS as EVENTS, TAMPER_KINDS as KINDS, rechained, tamperLog, tamperRandom as random, type TamperKind } from '@minsheng/event-store/testing';
import type { Checkpoint } from '@minsheng/verify';
import { Pool, type PoolClient } from 'pg';
import { EVENT_COLUMNS, storedRowOf, type PgArrayRow } from './event-rows';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

/*
 * The tamper suite of issue 16 on PostgreSQL (the SQLite one is store-sqlite's tamper.int):
 * random single changes to a ledger, each made as the tables' owner would (user triggers set
 * aside), each found by the check behind `minsheng verify --checkpoint`, which names the first
 * bad position; untouched ledgers pass. One ledger, restored from a copy of its rows after each
 * case. Bounded by count and by time, so CI stays short.
 */
const TAMPERINGS = 1000;
const BUDGET_MS = 60_000;
const SCHEMA = 'tamper';
const ALL = 'position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version, leaf, nodes';

const pg = usePostgres();
let pool: Pool;
let store: EventStore;
let checkpoint: Checkpoint;

/** As the owner with the user triggers (append-only, insert check) set aside, in one transaction. */
const asOwner = async (f: (c: PoolClient) => Promise<unknown>): Promise<void> => {
  const c = await pool.connect();
  try {
    await c.query(`BEGIN; ALTER TABLE ${SCHEMA}.events DISABLE TRIGGER USER`);
    await f(c);
    await c.query(`ALTER TABLE ${SCHEMA}.events ENABLE TRIGGER USER; COMMIT`);
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
};

const restore = () => asOwner((c) => c.query(`DELETE FROM ${SCHEMA}.events; INSERT INTO ${SCHEMA}.events (${ALL}) SELECT ${ALL} FROM ${SCHEMA}.pristine`));

/** Rehashes every row from `from` on, as a forger who knows the hashing would (leaves and nodes left as they were). */
const rechain = async (c: PoolClient, from: number): Promise<void> => {
  const { rows } = (await c.query({ text: `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e WHERE e.position >= $1 ORDER BY e.position`, values: [from], rowMode: 'array' })) as {
    rows: PgArrayRow[];
  };
  const prev = from === 1 ? '0'.repeat(64) : ((await c.query(`SELECT hash FROM ${SCHEMA}.events WHERE position = $1`, [from - 1])).rows[0].hash as string);
  for (const l of rechained(prev, rows.map(storedRowOf)))
    await c.query(`UPDATE ${SCHEMA}.events SET prev_hash = $1, hash = $2 WHERE position = $3`, [l.prevHash, l.hash, l.position]);
};

/** Applies one tampering; returns the position verify must name. */
const tamper = async (kind: TamperKind, rnd: () => number): Promise<number> => {
  const p = 1 + Math.floor(rnd() * EVENTS);
  let named = p;
  await asOwner(async (c) => {
    const row = (await c.query<{ data: string; hash: string; prev_hash: string }>(`SELECT data, hash, prev_hash FROM ${SCHEMA}.events WHERE position = $1`, [p])).rows[0]!;
    const set = (column: string, value: string) => c.query(`UPDATE ${SCHEMA}.events SET ${column} = $1 WHERE position = $2`, [value, p]);
    switch (kind) {
      case 'payload':
        return set('data', changeByte(row.data, Math.floor(rnd() * row.data.length), rnd));
      case 'hash':
        return set('hash', changeByte(row.hash, Math.floor(rnd() * 64), rnd));
      case 'prev_hash':
        return set('prev_hash', changeByte(row.prev_hash, Math.floor(rnd() * 64), rnd));
      case 'deleted row':
        return c.query(`DELETE FROM ${SCHEMA}.events WHERE position = $1`, [p]);
      case 'reordered pair': {
        named = p === EVENTS ? p - 1 : p;
        // Positions are at least 1: the pair is swapped through a position past the log.
        return c.query(`UPDATE ${SCHEMA}.events SET position = 1000000 WHERE position = ${named};
          UPDATE ${SCHEMA}.events SET position = ${named} WHERE position = ${named + 1};
          UPDATE ${SCHEMA}.events SET position = ${named + 1} WHERE position = 1000000`);
      }
      case 'forged row, chain recomputed': {
        // A figure changed in a way that still parses, then every hash from there on recomputed.
        const data = JSON.parse(row.data) as Record<string, unknown>;
        data['note'] = `forged ${Math.floor(rnd() * 1e6)}`;
        await set('data', JSON.stringify(data));
        return rechain(c, p);
      }
      case 'forged head row, chain recomputed': {
        // A copy of the last event added at the head with a fresh id, chained as the store chains.
        named = EVENTS + 1;
        await c.query(
          `INSERT INTO ${SCHEMA}.events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
           SELECT position + 1, $1, stream, revision + 1, type, schema_version, $2, metadata, hash, '', stored_at, 2 FROM ${SCHEMA}.events WHERE position = ${EVENTS}`,
          [`01JGZZZZZZZZZZZZZZZZZZ${String(Math.floor(rnd() * 9000) + 1000)}`, row.data],
        );
        return rechain(c, EVENTS + 1);
      }
    }
  });
  return named;
};

describe('verify --checkpoint against random tampering, on PostgreSQL', () => {
  beforeAll(async () => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 4 });
    store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema: SCHEMA });
    checkpoint = await tamperLog(store);
    await pool.query(`CREATE TABLE ${SCHEMA}.pristine AS SELECT ${ALL} FROM ${SCHEMA}.events`);
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });

  it('passes the untouched ledger, restored after tampering (no false positive)', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await checkLogAgainst(store, checkpoint);
      expect('reason' in r ? r : null).toBeNull();
      await tamper(KINDS[i % KINDS.length]!, random(10_000 + i));
      await restore();
    }
  });

  it(`finds each of up to ${TAMPERINGS} single tamperings and names the first bad position`, async () => {
    const { cases, missed } = await runTamperings({
      label: 'tamper suite (PostgreSQL)',
      count: TAMPERINGS,
      budgetMs: BUDGET_MS,
      tamper,
      check: () => checkLogAgainst(store, checkpoint),
      after: restore,
    });
    expect(missed.slice(0, 10)).toEqual([]);
    expect(cases).toBeGreaterThan(KINDS.length);
  });
});
