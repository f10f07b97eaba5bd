/*
 * `pnpm bench:province`: the province-scale run on PostgreSQL (embedded, fsync on, or
 * $DATABASE_URL). 13 cities' plans a year for several years, every place reporting every metric
 * through each year with corrections and retractions, appended by several writers; then the
 * append rate over the run, the rebuild, the views and the audit trail, and the database's size.
 * PROVINCE_EVENTS (default 1,000,000), PROVINCE_YEARS (5), PROVINCE_CITIES (13), PROVINCE_WRITERS (4).
 */
import type { AppendBatch, EventStore } from '@minsheng/event-store';
import { createLedger } from '@minsheng/ledger';
import { createPostgresReadModel } from '@minsheng/projections';
import { runRebuild } from '@minsheng/projections/internal';
import { startTestPostgres } from '@minsheng/store-postgres/testing';
import { fmt, formatTable, latencies, latencyRow, noteRow, nowNs, rateRow, secondsSince, type BenchRow } from '@minsheng/store-sqlite/internal';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { Pool } from 'pg';
import { openLedgerStore } from './postgres-log';
import { importPlans, provinceCalls, provincePlans, type ProvinceShape } from './province-log';

const PER_CALL = 100;
const WINDOWS = 10;

const numberFrom = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0, not "${v}"`);
  return n;
};

const must = async <A>(te: TaskEither<{ readonly message: string }, A>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** Appends every call with `writers` loops taking the next call in turn; events a second in each tenth of the run. */
const appendAll = async (store: EventStore, calls: Generator<AppendBatch[]>, writers: number, expected: number) => {
  const windows: { events: number; seconds: number }[] = [];
  let written = 0;
  let windowStart = nowNs();
  let windowEvents = 0;
  const start = nowNs();
  const loop = async () => {
    for (let next = calls.next(); !next.done; next = calls.next()) {
      const batches = next.value;
      await must(store.appendBatches(batches));
      written += batches.length;
      windowEvents += batches.length;
      if (windowEvents >= expected / WINDOWS) {
        windows.push({ events: windowEvents, seconds: secondsSince(windowStart) });
        process.stderr.write(`  ${fmt(written)} events, ${fmt(windowEvents / secondsSince(windowStart))} events/s\n`);
        windowStart = nowNs();
        windowEvents = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, loop));
  if (windowEvents) windows.push({ events: windowEvents, seconds: secondsSince(windowStart) });
  return { written, seconds: secondsSince(start), rates: windows.map((w) => w.events / w.seconds) };
};

export const provinceRun = async (shape: ProvinceShape, writers: number, samples: number): Promise<BenchRow[]> => {
  const pg = await startTestPostgres({ durable: true });
  try {
    const url = await pg.createDatabase('province');
    const store = await openLedgerStore(url, writers + 2);
    const pool = new Pool({ connectionString: url, max: 1 });
    const rows: BenchRow[] = [];
    try {
      const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
      const plans = provincePlans(shape);
      const pairs = plans.reduce((n, p) => n + p.pairs.length, 0);
      rows.push(noteRow(`PostgreSQL ${version}, ${pg.external ? 'from $DATABASE_URL' : 'embedded'}, fsync on`, ''));
      rows.push(noteRow(`${shape.cities} cities × ${shape.years} years = ${plans.length} plans, ${fmt(pairs)} (metric, place) pairs`, ''));
      process.stderr.write(`  importing ${plans.length} plans…\n`);
      const imported = await importPlans(store, url, plans);
      process.stderr.write(`  appending about ${fmt(shape.events)} events…\n`);
      const expected = Math.ceil(shape.events / shape.years / (pairs / shape.years)) * pairs;
      const appended = await appendAll(store, provinceCalls(plans, shape, PER_CALL), writers, expected);
      const events = imported + appended.written;
      const rates = appended.rates;
      rows.push(rateRow(`append ${fmt(appended.written)} reports (${PER_CALL} a call, ${writers} writers), whole run`, appended.written / appended.seconds, undefined, 'events/s'));
      rows.push(noteRow(`  each tenth of the run: lowest / highest / last`, `${fmt(Math.min(...rates))} / ${fmt(Math.max(...rates))} / ${fmt(rates[rates.length - 1]!)} events/s`));
      await pool.query('VACUUM ANALYZE minsheng.events');
      const dbBytes = Number((await pool.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b);
      const tableBytes = Number((await pool.query(`SELECT pg_total_relation_size('minsheng.events') AS b`)).rows[0].b);
      const perMillion = (b: number) => `${fmt(((b / events) * 1e6) / 2 ** 20)} MB`;
      rows.push(noteRow(`event table with its indexes, per million events (${fmt(events)} events)`, perMillion(tableBytes)));

      process.stderr.write(`  rebuilding the ledger index…\n`);
      const model = await createPostgresReadModel({ connectionString: url });
      try {
        const start = nowNs();
        const r = await runRebuild(store, model);
        const seconds = secondsSince(start);
        rows.push(rateRow(`rebuild the ledger index at ${fmt(r.checkpoint)} events (${fmt(seconds, 1)} s)`, r.checkpoint / seconds, undefined, 'ev/s'));
        const allBytes = Number((await pool.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b);
        rows.push(noteRow(`database with the ledger index, per million events`, perMillion(allBytes), `log alone ${perMillion(dbBytes)}`));

        process.stderr.write(`  views and audit trails…\n`);
        const ledger = createLedger({ store, readModel: model, clock: { now: () => new Date() } });
        const planId = plans[plans.length - 1]!.plan.id;
        const metric = { planId, task: 13, metric: 't13-gas-pipe-renewal' };
        const places = ['daoli', 'nangang', 'bayan', 'mulan'];
        await must(ledger.status({ planId, groupBy: 'district' }));
        const few = Math.max(5, Math.floor(samples / 4));
        const district = await latencies(samples, (i) => must(ledger.audit({ ...metric, place: places[i % 4]! })));
        const city = await latencies(few, () => must(ledger.audit(metric)));
        const byDistrict = await latencies(few, () => must(ledger.status({ planId, groupBy: 'district' })));
        const byTask = await latencies(few, () => must(ledger.status({ planId, groupBy: 'task' })));
        rows.push(latencyRow(`audit trail of one district figure (${planId})`, district, undefined, 'p99 < 5,000 µs'));
        rows.push(latencyRow(`audit trail of one city figure`, city, undefined, 'p99 < 5,000 µs'));
        rows.push(latencyRow(`district view (all tasks, every place)`, byDistrict, undefined, 'p99 < 5,000 µs'));
        rows.push(latencyRow(`city view (all tasks, the city's figures)`, byTask, undefined, 'p99 < 5,000 µs'));
      } finally {
        await model.close();
      }
    } finally {
      await pool.end();
      await store.close();
    }
    return rows;
  } finally {
    await pg.stop();
  }
};

const main = async () => {
  const shape = { events: numberFrom('PROVINCE_EVENTS', 1_000_000), years: numberFrom('PROVINCE_YEARS', 5), cities: numberFrom('PROVINCE_CITIES', 13) };
  if (shape.cities > 13) throw new Error(`PROVINCE_CITIES must be at most 13 (the province's cities), not ${shape.cities}`);
  const writers = numberFrom('PROVINCE_WRITERS', 4);
  const rows = await provinceRun(shape, writers, numberFrom('PROVINCE_SAMPLES', 100));
  console.log(`minsheng bench:province — ${fmt(shape.events)} events asked, node ${process.version}\n`);
  console.log(formatTable(rows, ''));
};

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(`bench:province: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
