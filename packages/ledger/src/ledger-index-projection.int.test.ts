import {
  catchUpReadModel,
  createPostgresProjection,
  createPostgresReadModel,
  createSqliteProjection,
  ledgerIndexProjection,
  PG_READ_MODEL_SCHEMA_VERSION,
  READ_MODEL_SCHEMA_VERSION,
  type ProjectionModel,
} from '@minsheng/projections';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { loadHarbinPlan, manualClock, openHarbinLedger, run, TASK3_DUTIES, type HarbinLedger } from './testing';

/*
 * The ledger index is a projection like any user's (issue 17): ledgerIndexProjection, run by
 * createSqliteProjection / createPostgresProjection and the runner, writes the very rows the
 * built-in read model writes for the same log, table by table. The log is the Harbin plan with
 * reports in several places, corrections, a retraction, a task completed and missed deadlines.
 */

const plan = loadHarbinPlan();
const pg = usePostgres();
/** The index's own tables: the runners' bookkeeping tables (meta, checkpoints, leases) differ and are not compared. */
const TABLES = ['plans', 'targets', 'pairs', 'figures', 'retractions', 'completions', 'missed'];
const BOOKKEEPING = ['meta', 'checkpoints', 'leases'];

const writeLog = async (opened: HarbinLedger, clock: ReturnType<typeof manualClock>): Promise<void> => {
  const { ledger } = opened;
  const roads = { task: 19, metric: 't19-rural-roads', by: 'transport' } as const;
  const reports = [];
  for (const [i, place] of ['daoli', 'nangang', 'songbei', 'daoli', 'nangang'].entries())
    reports.push(await run(ledger.report({ ...roads, place, asOf: `2024-0${4 + i}-30`, value: String(10 + i) })));
  await run(ledger.correct({ eventId: reports[0]!.eventId, value: '9', reason: '复核更正', by: 'transport' }));
  await run(ledger.correct({ eventId: reports[3]!.eventId, value: '12', reason: '口径调整', by: 'transport' }));
  await run(ledger.retract({ eventId: reports[1]!.eventId, reason: '重复上报', by: 'transport' }));
  for (const duty of TASK3_DUTIES) await run(ledger.report(duty));
  await run(ledger.report({ task: 3, metric: 't03-child-friendly-communities', place: 'daoli', asOf: '2024-09-30', value: '12', by: '市妇联' }));
  await run(ledger.report({ task: 3, metric: 't03-child-friendly-communities', place: 'nangang', asOf: '2024-09-30', value: '8', by: 'ndrc' }));
  clock.set('2024-10-21T02:00:00Z');
  await run(ledger.report({ task: 13, metric: 't13-gas-pipe-renewal', place: 'daoli', asOf: '2024-10-20', value: '300', by: 'housing' }));
  clock.set('2024-10-31T16:00:00Z');
  await run(ledger.checkDeadlines());
  clock.set('2025-01-01T00:00:00Z');
  await run(ledger.checkDeadlines());
};

/** Catches `model` up with the log, in small batches so that corrections and retractions land in later batches than their reports. */
const catchUp = async (opened: HarbinLedger, model: ProjectionModel) => {
  const r = await catchUpReadModel(opened.store, model, { batchSize: 7 })();
  if (r._tag === 'Left') throw new Error(r.left.message);
  expect(r.right.checkpoint).toBe(await run(opened.store.headPosition()));
};

/** Each kind of event in the log left rows: a comparison of empty tables would prove nothing. */
const expectEveryKind = (count: (table: string, where?: string) => number) => {
  expect(count('plans')).toBe(1);
  expect(count('targets')).toBeGreaterThan(20);
  expect(count('figures', `kind = 'correction'`)).toBe(2);
  expect(count('retractions')).toBe(1);
  expect(count('completions')).toBe(1);
  expect(count('missed')).toBeGreaterThan(1);
};

describe('ledgerIndexProjection, the ledger index written with defineProjection', () => {
  let opened: HarbinLedger;
  const clock = manualClock('2024-10-01T02:00:00Z');
  beforeAll(async () => {
    opened = await openHarbinLedger(clock, plan);
    await writeLog(opened, clock);
  });
  afterAll(async () => opened.close());

  it('is named and versioned as the built-in index, and reads only the event types it writes rows for', () => {
    expect(ledgerIndexProjection.name).toBe('ledger-index');
    // Either engine's tables changing shape moves it, so a projection built by an older one is rebuilt.
    expect(ledgerIndexProjection.version).toBe(READ_MODEL_SCHEMA_VERSION + PG_READ_MODEL_SCHEMA_VERSION);
    expect([...ledgerIndexProjection.eventTypes].sort()).toEqual(
      ['DeadlineMissed', 'PlanPublished', 'ProgressCorrected', 'ProgressReported', 'ProgressRetracted', 'TargetSet', 'TaskCompleted'],
    );
  });

  it('writes on SQLite, beside the built-in read model in its file, the rows the built-in one writes', async () => {
    await catchUp(opened, opened.model);
    // The same file as the built-in read model (rm_*): the projection's tables (ledger_index_*) sit beside them.
    const projection = createSqliteProjection(ledgerIndexProjection, { file: `${opened.dir}/read.db` });
    try {
      await catchUp(opened, projection);
      const { db } = projection;
      const names = (prefix: string) =>
        (db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE ? ESCAPE '!' ORDER BY name`).pluck().all(`${prefix.replace(/_/g, '!_')}%`) as string[])
          .map((n) => n.slice(prefix.length))
          .filter((n) => !BOOKKEEPING.includes(n));
      // The same tables and indexes, and nothing else of the definition's beyond the runner's own bookkeeping.
      expect(names('ledger_index_')).toEqual(names('rm_'));
      expect(names('rm_')).toEqual(expect.arrayContaining(TABLES));
      const count = (table: string, where = '1') => db.prepare(`SELECT count(*) FROM ${projection.table(table)} WHERE ${where}`).pluck().get() as number;
      expectEveryKind(count);
      for (const table of TABLES) {
        const columns = (t: string) => db.prepare(`PRAGMA table_info(${t})`).all();
        expect({ table, columns: columns(projection.table(table)) }).toEqual({ table, columns: columns(`rm_${table}`) });
        const rows = (t: string) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all();
        expect({ table, rows: rows(projection.table(table)) }).toEqual({ table, rows: rows(`rm_${table}`) });
      }
    } finally {
      projection.close();
    }
  });

  it('writes on PostgreSQL the rows the built-in PostgreSQL read model writes', async () => {
    const pool = new Pool({ connectionString: pg.databaseUrl(), max: 2 });
    const builtIn = await createPostgresReadModel({ pool, schema: 'li_builtin' });
    const projection = await createPostgresProjection(ledgerIndexProjection, { pool, schema: 'li_projection' });
    try {
      await catchUp(opened, builtIn);
      await catchUp(opened, projection);
      const columns = async (schema: string, table: string) =>
        (
          await pool.query(
            `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
            [schema, table],
          )
        ).rows;
      const tables = async (schema: string, prefix: string) =>
        (await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema])).rows
          .map((r) => (r.tablename as string).slice(prefix.length))
          .filter((n) => !BOOKKEEPING.includes(n));
      const indexes = async (schema: string, prefix: string) =>
        (await pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, [schema])).rows
          .map((r) => (r.indexname as string).slice(prefix.length))
          .filter((n) => !BOOKKEEPING.some((b) => n.startsWith(b)));
      expect(await tables('li_projection', 'ledger_index_')).toEqual(await tables('li_builtin', ''));
      expect((await tables('li_builtin', '')).sort()).toEqual([...TABLES].sort());
      expect(await indexes('li_projection', 'ledger_index_')).toEqual(await indexes('li_builtin', ''));
      const counts = new Map<string, number>();
      for (const [table, where] of [...TABLES.map((t) => [t, 'true']), ['figures', `kind = 'correction'`]] as const)
        counts.set(`${table}|${where}`, Number((await pool.query(`SELECT count(*) AS n FROM ${projection.table(table)} WHERE ${where}`)).rows[0].n));
      expectEveryKind((table, where = 'true') => counts.get(`${table}|${where}`)!);
      for (const table of TABLES) {
        expect({ table, columns: await columns('li_projection', `ledger_index_${table}`) }).toEqual({ table, columns: await columns('li_builtin', table) });
        // Pairs are keyed by (plan, metric, place); every other table by position.
        const order = table === 'pairs' ? 'plan_id, metric, place' : 'position';
        const rows = async (t: string) => (await pool.query(`SELECT * FROM ${t} ORDER BY ${order}`)).rows;
        expect({ table, rows: await rows(projection.table(table)) }).toEqual({ table, rows: await rows(`li_builtin.${table}`) });
      }
    } finally {
      await projection.close();
      await builtIn.close();
      await pool.end();
    }
  });
});
