import { CURRENT_VERSION, ledgerRegistry, newEventId } from '@minsheng/core';
import { ANY, createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import {
  catchUpReadModel,
  createPostgresProjection,
  createSqliteProjection,
  defaultPrefix,
  postgresActiveVersion,
  rebuildBeside,
  runWorker,
  type PostgresProjection,
} from '@minsheng/projections';
import { stopAfter } from '@minsheng/projections/testing';
import { run } from '@minsheng/ledger/testing';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { unitMonths } from './unit-months';

const pg = usePostgres();
const UNITS = ['transport', 'hrss', 'housing'];

const appendReports = async (store: EventStore, from: number, to: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = from; i < to; i++) {
    const eventId = newEventId();
    ids.push(eventId);
    const r = await store.append(
      `progress-harbin-2024-t19-rural-roads-p${i % 5}`,
      [
        {
          eventId,
          type: 'ProgressReported',
          schemaVersion: CURRENT_VERSION.ProgressReported,
          data: { planId: 'harbin-2024', task: 19, metric: 't19-rural-roads', place: `p${i % 5}`, asOf: `2024-0${(i % 9) + 1}-28`,
            figure: { kind: 'quantity', value: String(i), unit: '公里' } },
          metadata: { actor: { unit: UNITS[i % 3]! }, recordedAt: new Date(Date.UTC(2024, 9, 1, 0, 0, i)).toISOString(), correlationId: 'c' },
        },
      ],
      ANY,
    )();
    if (r._tag === 'Left') throw new Error(r.left.message);
  }
  return ids;
};
const retract = async (store: EventStore, retracts: string) => {
  const r = await store.append('progress-harbin-2024-t19-rural-roads-p0', [
    { eventId: newEventId(), type: 'ProgressRetracted', schemaVersion: CURRENT_VERSION.ProgressRetracted,
      data: { planId: 'harbin-2024', task: 19, metric: 't19-rural-roads', place: 'p0', retracts, reason: '重复上报' },
      metadata: { actor: { unit: 'transport' }, recordedAt: '2024-10-02T00:00:00.000Z', correlationId: 'c' } },
  ], ANY)();
  if (r._tag === 'Left') throw new Error(r.left.message);
};

const ROWS = (table: string) => `SELECT unit, month, reports, retracted FROM ${table} ORDER BY unit, month`;

describe('examples/custom-projection on PostgreSQL', () => {
  let pool: Pool;
  beforeAll(() => (pool = new Pool({ connectionString: pg.databaseUrl(), max: 6 })));
  afterAll(() => pool.end());
  const pgRows = async (m: PostgresProjection) => (await pool.query(ROWS(m.table('unit_months')))).rows;

  it('gives the rows SQLite gives, in two competing workers, and rebuilds blue/green while the log grows', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    const ids = await appendReports(store, 0, 200);
    await retract(store, ids[3]!);
    const schema = 'unit_months_workers';
    const a = await createPostgresProjection(unitMonths, { pool, schema });
    const b = await createPostgresProjection(unitMonths, { pool, schema });

    const stop = stopAfter(30_000);
    const applied = { a: 0, b: 0 };
    const worker = (owner: 'a' | 'b', model: PostgresProjection) =>
      runWorker({ store, model, owner, leaseMs: 1000, pollMs: 50, batchSize: 15, signal: stop.signal,
        onBatch: (_, n) => (applied[owner] += n),
        onReachedHead: () => stop.abort() });
    await Promise.all([worker('a', a), worker('b', b)]);
    // One worker held the lease and applied the whole log; the other waited.
    expect(applied.a + applied.b).toBe(201);
    expect(Math.min(applied.a, applied.b)).toBe(0);
    expect(await a.reader.checkpoint()).toBe(201);

    const sqlite = createSqliteProjection(unitMonths);
    expect((await catchUpReadModel(store, sqlite)())._tag).toBe('Right');
    const expected = sqlite.db.prepare(ROWS(sqlite.table('unit_months'))).all();
    sqlite.close();
    expect(await pgRows(a)).toEqual(expected);
    expect(expected).toContainEqual({ unit: 'transport', month: '2024-04', reports: 22, retracted: 1 });

    const versions = postgresActiveVersion(pool, defaultPrefix(unitMonths), schema);
    const result = await run(
      rebuildBeside({
        store,
        versions,
        projection: unitMonths.name,
        open: (prefix) => createPostgresProjection(unitMonths, { pool, schema, prefix }),
        beforeSwitch: async () => void (await appendReports(store, 200, 201)),
      }),
    );
    expect(result).toMatchObject({ from: 'unit_months_', to: 'unit_months_v2_', checkpoint: 202 });
    expect(await versions.active(unitMonths.name)).toBe('unit_months_v2_');
    const v2 = await createPostgresProjection(unitMonths, { pool, schema, prefix: result.to });
    const v2Rows = await pgRows(v2);
    expect(v2Rows.reduce((n, r) => n + (r as { reports: number }).reports, 0)).toBe(201);
    // The old version serves unchanged until it is caught up or its readers reopen on v2.
    expect(await a.reader.checkpoint()).toBe(201);
  });

  it('refuses a batch from a worker whose lease has expired (fencing), and a batch another worker applied first', async () => {
    let now = 1_000_000;
    const model = await createPostgresProjection(unitMonths, { pool, schema: 'unit_months_fence', now: () => now });
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    await appendReports(store, 0, 3);
    const read = await store.readAll()();
    if (read._tag === 'Left') throw new Error(read.left.message);
    expect(await model.writer.acquireLease('unit-months', 'old', 1000)).toBe(true);
    now += 1001;
    expect(await model.writer.acquireLease('unit-months', 'new', 1000)).toBe(true);
    expect(await model.writer.applyBatch('unit-months', 0, read.right, 'old')).toBe('lease-lost');
    expect(await model.writer.applyBatch('unit-months', 0, read.right, 'new')).toBe('applied');
    expect(await model.writer.applyBatch('unit-months', 0, read.right, 'new')).toBe('checkpoint-moved');
    expect((await pgRows(model)).reduce((n, r) => n + (r as { reports: number }).reports, 0)).toBe(3);
  });
});
