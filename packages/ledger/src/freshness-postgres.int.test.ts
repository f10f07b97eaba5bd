import { ledgerRegistry } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { catchUpReadModel, checkReadModel, createPostgresReadModel, type PostgresReadModel } from '@minsheng/projections';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { corruptStoredEvent, usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { createLedger, type Ledger } from './ledger';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

/*
 * The freshness check before a view (checkReadModel) on PostgreSQL reads the read model's
 * checkpoint with its hash and the log's last event at once: it must still refuse a read model
 * whose checkpoint hash is not the log's, and a rewritten event at the checkpoint.
 */

const plan = loadHarbinPlan();
const ROADS = { task: 19, metric: 't19-rural-roads' };
const pg = usePostgres();
let n = 0;

/** A pool whose queries are counted (pool.query is how both sides read). */
const countedPool = () => {
  const pool = new Pool({ connectionString: pg.databaseUrl(), max: 4 });
  const query = pool.query.bind(pool);
  const counter = { pool, queries: 0 };
  pool.query = ((...args: Parameters<typeof query>) => {
    counter.queries++;
    return query(...args);
  }) as typeof pool.query;
  return counter;
};

describe('the freshness check before a view (PostgreSQL)', () => {
  let log: ReturnType<typeof countedPool>;
  let rm: ReturnType<typeof countedPool>;
  let store: EventStore;
  let readModel: PostgresReadModel;
  let ledger: Ledger;
  let schema: string;
  const clock = manualClock('2024-01-05T02:00:00Z');

  beforeEach(async () => {
    schema = `fresh_${++n}`;
    log = countedPool();
    rm = countedPool();
    store = await createPostgresEventStore({ pool: log.pool, registry: ledgerRegistry, clock, schema });
    readModel = await createPostgresReadModel({ pool: rm.pool, schema: `${schema}_rm` });
    ledger = createLedger({ store, readModel, clock });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(plan));
    clock.set('2024-10-01T02:00:00Z');
    for (const place of ['bayan', 'mulan']) await run(ledger.report({ ...ROADS, place, asOf: '2024-09-30', value: '40', by: 'transport' }));
  });
  afterEach(async () => {
    await store.close();
    await readModel.close();
    await log.pool.end();
    await rm.pool.end();
  });

  const head = () => run(store.headPosition());
  /** Sets the hash the read model keeps for the event it applied at `position`, in whichever table holds its row. */
  const tamperAppliedHash = async (position: number) => {
    let changed = 0;
    for (const t of ['plans', 'targets', 'figures', 'retractions', 'completions', 'missed'])
      changed += (await rm.pool.query(`UPDATE ${schema}_rm.${t} SET hash = $1 WHERE position = $2`, ['e'.repeat(64), position])).rowCount ?? 0;
    expect(changed).toBe(1);
  };

  it('checks an up-to-date read model in one query to each side, and the catch-up after it reads nothing again', async () => {
    const last = (await run(store.readAll({ fromPosition: (await head()) - 1, maxCount: 1 })))[0]!;
    const at = { hash: last.hash, recordedAt: last.metadata.recordedAt, hashVersion: last.hashVersion ?? 1 };
    log.queries = rm.queries = 0;
    expect(await checkReadModel(store, readModel.reader)).toEqual({ checkpoint: await head(), head: await head(), at });
    // (head() above is the test's own read.)
    expect([log.queries - 2, rm.queries]).toEqual([1, 1]);
    log.queries = rm.queries = 0;
    expect(await run(catchUpReadModel(store, readModel))).toMatchObject({ applied: 0, checkpoint: await head() });
    expect([log.queries - 1, rm.queries]).toEqual([1, 1]);
  });

  it('refuses a view once the hash the read model applied at its checkpoint is not the log’s, up to date or behind', async () => {
    const at = await head();
    // A view kept first: the check still runs before it is served again.
    await run(ledger.status());
    await tamperAppliedHash(at);
    expect(await fail(ledger.status())).toMatchObject({ _tag: 'ReadModelMismatch', checkpoint: at, head: at, code: 'readModel.otherEvent' });
    // The log one event further (another process's report, not projected here): the event at the checkpoint is read on its own.
    const elsewhere = createLedger({ store, readModel, clock, projectInline: false });
    await run(elsewhere.report({ ...ROADS, place: 'tonghe', asOf: '2024-09-30', value: '7', by: 'transport' }));
    expect(await fail(ledger.status())).toMatchObject({ _tag: 'ReadModelMismatch', checkpoint: at, head: at + 1, code: 'readModel.otherEvent' });
  });

  it('runs the completion policy again once a read-model row is changed by hand after a view that found nothing owed', async () => {
    const ADAPTATIONS = { task: 9, metric: 't09-elderly-home-adaptations' };
    await run(ledger.report({ ...ADAPTATIONS, place: 'daoli', asOf: '2024-09-30', value: '700', by: 'civil-affairs' }));
    expect((await run(ledger.status())).rows.find((r) => r.metric === ADAPTATIONS.metric)).toMatchObject({ value: '700', met: false });
    await run(ledger.status());
    // 700 of 4700 households becomes 7000 in the read model alone: task 9 would look met.
    const changed = await rm.pool.query(`UPDATE ${schema}_rm.figures SET figure = replace(figure, '"value":"700"', '"value":"7000"') WHERE position = $1`, [await head()]);
    expect(changed.rowCount).toBe(1);
    expect(await fail(ledger.status())).toMatchObject({
      _tag: 'ReadModelMismatch',
      message: expect.stringMatching(/^the read model does not match the events behind task 9's figures/),
    });
  });

  it('refuses a view once the event at the checkpoint was rewritten in place, its hash kept, naming its position', async () => {
    const at = await head();
    await run(ledger.status());
    const [last] = await run(store.readAll({ fromPosition: at - 1 }));
    await corruptStoredEvent(pg.databaseUrl(), schema, at, { kind: 'field', field: 'data', value: { ...(last!.data as object), figure: { value: '400', unit: '公里' } } });
    expect(await fail(ledger.status())).toMatchObject({ _tag: 'BrokenChain', position: at, reason: "stored hash does not match the event's content" });
  });
});
