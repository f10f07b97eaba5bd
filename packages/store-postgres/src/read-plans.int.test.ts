import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { Pool } from 'pg';
import { ledgerNames } from './names';
import { LEDGER_SESSION_OPTIONS, ledgerSessionOptions } from './session';
import { statements } from './statements';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

/*
 * How a checked read of streams is planned when the statistics mislead the planner, as a log of
 * many small streams does: each row's link must still be a primary-key lookup (not a hash of the
 * whole table), and no parallel workers must be started for a read of a few rows.
 */

const pg = usePostgres();

describe('read plans', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 1, options: ledgerSessionOptions() });
  });
  afterAll(() => pool.end());

  it('a ledger session runs without parallel query, after the options PGOPTIONS gives', async () => {
    expect((await pool.query('SHOW max_parallel_workers_per_gather')).rows[0].max_parallel_workers_per_gather).toBe('0');
    expect(ledgerSessionOptions({ PGOPTIONS: '-c work_mem=64MB' })).toBe(`-c work_mem=64MB ${LEDGER_SESSION_OPTIONS}`);
    expect(ledgerSessionOptions({ PGOPTIONS: ' ' })).toBe(LEDGER_SESSION_OPTIONS);
    expect(ledgerSessionOptions({})).toBe(LEDGER_SESSION_OPTIONS);
  });

  it('reads streams with each link found by key, even when a stream is thought to hold most of the log', async () => {
    const schema = 'read_plans';
    const store = await createPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema });
    try {
      for (let s = 0; s < 40; s++) await ok(store.append(`progress-${s}`, makeTestEvents(50), NO_STREAM));
      // Statistics that say the log has two streams: 1,000 rows a stream, where each holds 50.
      await pool.query(`ALTER TABLE ${schema}.events ALTER COLUMN stream SET (n_distinct = 2); ANALYZE ${schema}.events`);
      const read = statements(ledgerNames(schema)).streamsWhole(['progress-1', 'progress-2', 'progress-3']);
      const plan = (await pool.query({ text: `EXPLAIN ${read.text}`, values: read.values })).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
      expect(plan).toMatch(/Index Scan using events_pkey on events l/);
      expect(plan).not.toMatch(/Seq Scan on events l|Hash .*Join|Gather/);
      expect((await ok(store.readStream('progress-2'))).map((e) => e.revision)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    } finally {
      await store.close();
    }
  });
});
