import { makeTestEvent } from '@minsheng/event-store/testing';
import { ANY, type EventStore } from '@minsheng/event-store';
import { createLedger, must } from '@minsheng/ledger';
import { CATCH_UP_BATCH, createPostgresReadModel, LARGE_CATCH_UP, rebuildReadModel, runWorker, type PostgresReadModel } from '@minsheng/projections';
import { pgReadModelDdl } from '@minsheng/projections/internal';
import { fmt, judged, latencies, latencyRow, noteRow, nowNs, rateRow, secondsSince, type BenchRow } from '@minsheng/store-sqlite/internal';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { Pool } from 'pg';

/**
 * Raw pg: the same figure rows into the same tables, by SQL alone (the JSON read with ->>,
 * no parsing, validation or hashing in JS), in batches of the rebuild's size, each a transaction.
 */
const rawRebuild = async (pool: Pool, events: number, batch: number): Promise<number> => {
  await pool.query(`DROP SCHEMA IF EXISTS raw_rm CASCADE; ${pgReadModelDdl('raw_rm')}`);
  const start = nowNs();
  for (let from = 0; from < events; from += batch) {
    await pool.query(
      `BEGIN;
       INSERT INTO raw_rm.figures (position, event_id, kind, report_id, report_position, plan_id, task, metric, place, as_of,
         recorded_at, figure, unit, person, source, reason, hash)
       SELECT e.position, e.event_id, 'report', e.event_id, e.position, j.d->>'planId', (j.d->>'task')::integer, j.d->>'metric',
         j.d->>'place', COALESCE(j.d->>'asOf', ''), 0, COALESCE(j.d->>'figure', ''), j.m->'actor'->>'unit', j.m->'actor'->>'person',
         NULL, j.d->>'reason', e.hash
       FROM minsheng.events e CROSS JOIN LATERAL (SELECT e.data::jsonb AS d, e.metadata::jsonb AS m) j
       WHERE e.position > ${from} AND e.position <= ${from + batch} AND e.type IN ('ProgressReported', 'ProgressCorrected');
       INSERT INTO raw_rm.pairs (plan_id, metric, place, first_recorded_at)
       SELECT DISTINCT plan_id, metric, place, 0 FROM raw_rm.figures WHERE position > ${from} AND position <= ${from + batch}
       ON CONFLICT DO NOTHING;
       COMMIT;`,
    );
  }
  return events / secondsSince(start);
};

/** The library's rebuild into the PostgreSQL ledger index (schema minsheng_rm), beside raw pg. */
export const rebuildRow = async (store: EventStore, pool: Pool, url: string, size: number): Promise<{ row: BenchRow; model: PostgresReadModel }> => {
  const model = await createPostgresReadModel({ connectionString: url });
  const start = nowNs();
  const r = await must(rebuildReadModel(store, model));
  const ours = r.checkpoint / secondsSince(start);
  // The rebuild's batches: the read model's own for a bulk load (a log of LARGE_CATCH_UP events or more).
  const batch = (r.checkpoint >= LARGE_CATCH_UP ? model.writer.bulkBatchSize : undefined) ?? CATCH_UP_BATCH;
  const raw = await rawRebuild(pool, r.checkpoint, batch);
  await pool.query('DROP SCHEMA raw_rm CASCADE');
  const row = judged(rateRow(`rebuild the ledger index (PostgreSQL) at ${fmt(r.checkpoint)} events`, ours, raw, 'ev/s', '≥ 100,000 ev/s'), ours >= 100_000);
  return { row, model };
};

const WORKERS = 3;

/**
 * Three workers (each its own pool, as three processes would be) sharing the projection by its
 * lease: the events a second the holder folds from an empty index to the head, then the lag
 * from an append's commit to the checkpoint passing it, while one writer appends.
 */
export const workerRows = async (store: EventStore, url: string, appends: number): Promise<BenchRow[]> => {
  const schema = 'rm_workers';
  const models = await Promise.all(Array.from({ length: WORKERS }, () => createPostgresReadModel({ connectionString: url, schema })));
  const head = await store.headPosition()();
  if (isLeft(head)) throw new Error(head.left.message);
  const stop = new AbortController();
  const batches: { at: bigint; checkpoint: number }[] = [];
  let caughtUp: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (caughtUp = resolve));
  const pollMs = 50;
  const start = nowNs();
  let seconds = 0;
  const running = models.map((model, w) =>
    runWorker({
      store,
      model,
      owner: `bench-worker-${w}`,
      pollMs,
      leaseMs: 2000,
      signal: stop.signal,
      onBatch: (checkpoint) => {
        batches.push({ at: nowNs(), checkpoint });
        if (checkpoint >= head.right && seconds === 0) {
          seconds = secondsSince(start);
          caughtUp();
        }
      },
    }),
  );
  try {
    await reached;
    const committed: { at: bigint; position: number }[] = [];
    for (let i = 0; i < appends; i++) {
      const r = await store.append(`progress-lag-${i % 10}`, [makeTestEvent({ value: String(i) })], ANY)();
      if (isLeft(r)) throw new Error(r.left.message);
      committed.push({ at: nowNs(), position: r.right.positions[r.right.positions.length - 1]! });
    }
    const last = committed[committed.length - 1]!.position;
    while (!batches.some((b) => b.checkpoint >= last)) await new Promise((r) => setTimeout(r, pollMs));
    const lags = committed
      .map((c) => Number(batches.find((b) => b.checkpoint >= c.position && b.at >= c.at)!.at - c.at) / 1e6)
      .sort((a, b) => a - b);
    const p = (q: number) => lags[Math.min(lags.length - 1, Math.floor(lags.length * q))]!;
    return [
      judged(rateRow(`${WORKERS} workers sharing the projection: fold ${fmt(head.right)} events`, head.right / seconds, undefined, 'ev/s', 'recorded'), true),
      noteRow(`  lag from an append's commit to the checkpoint (poll ${pollMs} ms, ${fmt(appends)} appends)`, `p50 ${fmt(p(0.5), 1)} / p99 ${fmt(p(0.99), 1)} ms`, `≤ poll + a batch`),
    ];
  } finally {
    stop.abort();
    await Promise.all(running);
    await Promise.all(models.map((m) => m.close()));
  }
};

/** The audit trail of one figure and the district and city views, on the largest ledger, p99. */
export const queryRows = async (store: EventStore, model: PostgresReadModel, pool: Pool, size: number, samples: number): Promise<BenchRow[]> => {
  const ledger = createLedger({ store, readModel: model, clock: { now: () => new Date() } });
  const places = ['daoli', 'nangang', 'bayan', 'mulan'];
  const must = async <A>(te: TaskEither<{ readonly message: string }, A>): Promise<A> => {
    const r = await te();
    if (isLeft(r)) throw new Error(r.left.message);
    return r.right;
  };
  const metric = { task: 13, metric: 't13-gas-pipe-renewal' };
  await must(ledger.audit({ ...metric, place: 'daoli' }));
  const district = await latencies(samples, (i) => must(ledger.audit({ ...metric, place: places[i % 4]! })));
  const city = await latencies(Math.floor(samples / 4), () => must(ledger.audit(metric)));
  // The same audits in the same run as before the kept streams: every stream read whole, every call.
  const whole = createLedger({ store, readModel: model, clock: { now: () => new Date() }, keepAuditStreams: false });
  const districtWhole = await latencies(Math.floor(samples / 4), (i) => must(whole.audit({ ...metric, place: places[i % 4]! })));
  const cityWhole = await latencies(Math.floor(samples / 16), () => must(whole.audit(metric)));
  // Computed on every call (no view kept), then redrawn: the same view asked again, answered from the one kept.
  const computing = createLedger({ store, readModel: model, clock: { now: () => new Date() }, keepViews: false });
  const byDistrict = await latencies(Math.floor(samples / 4), () => must(computing.status({ groupBy: 'district' })));
  const byTask = await latencies(Math.floor(samples / 4), () => must(computing.status({ groupBy: 'task' })));
  const byDistrictKept = await latencies(samples, () => must(ledger.status({ groupBy: 'district' })));
  const byTaskKept = await latencies(samples, () => must(ledger.status({ groupBy: 'task' })));
  // The same views in the same run as before the pairs' in-force rows: the effective-figure query for every pair.
  const queried = await createPostgresReadModel({ pool, schema: model.schema, inForceRows: false });
  const before = createLedger({ store, readModel: queried, clock: { now: () => new Date() }, keepViews: false });
  const byDistrictBefore = await latencies(Math.floor(samples / 4), () => must(before.status({ groupBy: 'district' })));
  const byTaskBefore = await latencies(Math.floor(samples / 4), () => must(before.status({ groupBy: 'task' })));
  await queried.close();
  const raw = await latencies(samples, (i) =>
    pool.query({
      name: 'raw-trail',
      text: `SELECT * FROM minsheng_rm.figures WHERE plan_id = 'harbin-2024' AND metric = 't13-gas-pipe-renewal' AND place = $1
             ORDER BY as_of DESC, report_position DESC LIMIT 3`,
      values: [places[i % 4]],
    }),
  );
  const under5ms = (l: { p99: number }) => l.p99 < 5000;
  const at = fmt(size);
  return [
    judged(latencyRow(`audit trail of one district figure at ${at} events`, district, raw, 'p99 < 5,000 µs'), under5ms(district)),
    latencyRow(`  the same, its streams read whole (before they were kept)`, districtWhole, raw),
    judged(latencyRow(`audit trail of one city figure at ${at}`, city, undefined, 'p99 < 5,000 µs'), under5ms(city)),
    latencyRow(`  the same, its streams read whole (before they were kept)`, cityWhole, undefined),
    judged(latencyRow(`district view (all tasks, every place) at ${at}, computed (keepViews off)`, byDistrict, undefined, 'p99 < 5,000 µs'), under5ms(byDistrict)),
    judged(latencyRow(`  the same, redrawn (the view kept, read model unchanged)`, byDistrictKept, undefined, 'p99 < 5,000 µs'), under5ms(byDistrictKept)),
    latencyRow(`  the same, each pair's figure by the query (before the in-force rows)`, byDistrictBefore, undefined),
    judged(latencyRow(`city view (all tasks, the city's figures) at ${at}, computed (keepViews off)`, byTask, undefined, 'p99 < 5,000 µs'), under5ms(byTask)),
    judged(latencyRow(`  the same, redrawn (the view kept, read model unchanged)`, byTaskKept, undefined, 'p99 < 5,000 µs'), under5ms(byTaskKept)),
    latencyRow(`  the same, each pair's figure by the query (before the in-force rows)`, byTaskBefore, undefined),
  ];
};
