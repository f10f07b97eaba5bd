import type { EventStore } from '@minsheng/event-store';
import { createLedger, must, type Ledger } from '@minsheng/ledger';
import { CATCH_UP_BATCH, createSqliteReadModel, rebuildReadModel } from '@minsheng/projections';
import { keptReaderThreads, READ_MODEL_DDL, READ_MODEL_PAGE_SIZE, readModelCheckpointPages } from '@minsheng/projections/internal';
import { sqliteStoreOpener } from '@minsheng/store-sqlite';
import { fmt, judged, latencies, latencyRow, noteRow, nowNs, rateRow, secondsSince, type BenchRow, type BenchSection } from '@minsheng/store-sqlite/internal';
import Database from 'better-sqlite3';
import { isLeft } from 'fp-ts/Either';
import { join } from 'node:path';
import { buildLedgerLog } from './ledger-log';

export const SIZES = { smoke: [2_000, 10_000], small: [20_000, 100_000], full: [100_000, 1_000_000] } as const;

/**
 * Rebuild: the library's own rebuild (rebuildReadModel, as `minsheng rebuild` runs it), reading
 * the whole log through the store (upcast and checked) and folding it into the ledger index every
 * built-in view is computed from, with reader threads (as the CLI does) and on one thread.
 * Beside it, SQLite alone moving the same figure rows into the same tables, its lookup index
 * built once at the end as the rebuild builds it.
 */
const rebuild = async (store: EventStore, logFile: string, dir: string, size: number, threads: boolean, run: number) => {
  const model = createSqliteReadModel({ file: join(dir, `rebuild-${size}-${threads ? 'threads' : 'one'}-${run}.db`) });
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const start = nowNs();
  const r = await must(
    rebuildReadModel(store, model, {
      ...(threads ? { readers: { opener: sqliteStoreOpener(logFile) } } : {}),
      onProgress: () => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())),
    }),
  );
  const ours = r.checkpoint / secondsSince(start);
  model.close();
  return { ours, events: r.checkpoint, readerThreads: r.readerThreads, growthMb: (rssPeak - rssBefore) / 2 ** 20 };
};

/**
 * Raw: SQLite alone, reading the JSON with json_extract in batches of the same size, no
 * parsing, validation or hashing in JS: the plan's pairs, then the figures with their pair id,
 * into a file with the read model's pages.
 */
const rawRebuild = (logFile: string, dir: string, size: number, events: number, run: number): number => {
  const dst = new Database(join(dir, `raw-${size}-${run}.db`));
  // The pages, and the checkpoints by bytes, of a read model in a file of its own.
  dst.pragma(`page_size = ${READ_MODEL_PAGE_SIZE}`);
  dst.pragma('journal_mode = WAL');
  dst.pragma(`wal_autocheckpoint = ${readModelCheckpointPages(READ_MODEL_PAGE_SIZE)}`);
  dst.pragma('synchronous = NORMAL');
  dst.pragma('cache_size = -65536');
  dst.exec(READ_MODEL_DDL);
  dst.exec('DROP INDEX rm_figures_lookup');
  dst.prepare('ATTACH DATABASE ? AS log').run(logFile);
  const pairs = dst.prepare(
    `INSERT INTO rm_pairs (plan_id, metric, place, first_recorded_at)
     SELECT data->>'$.planId', data->>'$.metric', data->>'$.place', 0 FROM log.events
     WHERE position > ? AND position <= ? AND type = 'ProgressReported' ORDER BY position ON CONFLICT DO NOTHING`,
  );
  const figures = dst.prepare(
    `INSERT INTO rm_figures (position, event_id, kind, report_id, report_position, pair, task, as_of,
       recorded_at, figure, unit, person, source, reason, hash)
     SELECT e.position, e.event_id, 'report', e.event_id, e.position, p.id, e.data->>'$.task',
       COALESCE(e.data->>'$.asOf', ''), 0, COALESCE(e.data->'$.figure', ''), e.metadata->>'$.actor.unit',
       e.metadata->>'$.actor.person', NULL, e.data->>'$.reason', e.hash
     FROM log.events e JOIN rm_pairs p ON p.plan_id = e.data->>'$.planId' AND p.metric = e.data->>'$.metric' AND p.place = e.data->>'$.place'
     WHERE e.position > ? AND e.position <= ? AND e.type IN ('ProgressReported', 'ProgressCorrected')`,
  );
  const start = nowNs();
  const step = dst.transaction((from: number) => {
    pairs.run(from, from + CATCH_UP_BATCH);
    figures.run(from, from + CATCH_UP_BATCH);
  });
  for (let from = 0; from < events; from += CATCH_UP_BATCH) step.immediate(from);
  dst.exec(READ_MODEL_DDL);
  const raw = events / secondsSince(start);
  dst.close();
  return raw;
};

export const projectionSection: BenchSection = async (ctx) => {
  const rows: BenchRow[] = [];
  const sizes = SIZES[ctx.scale];
  let store: EventStore | undefined;
  let file = '';
  for (const size of sizes) {
    file = join(ctx.dir, `ledger-${size}.db`);
    process.stderr.write(`  building a ledger log of ${fmt(size)} events…\n`);
    store = (await buildLedgerLog(file, size)).store;
    // A rebuild of 100k events takes about a second, where a pause of the shared machine weighs
    // a tenth: those run three times in turn, and the table shows each one's median (memory: the
    // most it grew). A rebuild of 1M events runs once.
    const runs = size <= 100_000 ? 3 : 1;
    const one: Awaited<ReturnType<typeof rebuild>>[] = [];
    const threaded: Awaited<ReturnType<typeof rebuild>>[] = [];
    const raw: number[] = [];
    // No thread is kept from an earlier rebuild: the first threaded one starts its own.
    const startsItsThread = keptReaderThreads() === 0;
    for (let run = 0; run < runs; run++) {
      one.push(await rebuild(store, file, ctx.dir, size, false, run));
      threaded.push(await rebuild(store, file, ctx.dir, size, true, run));
      raw.push(rawRebuild(file, ctx.dir, size, threaded[run]!.events, run));
    }
    const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const most = (xs: readonly number[]) => Math.max(...xs);
    const of = runs > 1 ? ` (median of ${runs})` : '';
    // The threaded rebuilds after the first read in the thread the one before kept.
    const ofThreaded = runs > 1 && threaded[0]!.readerThreads > 0 ? ` (median of ${runs}; the later ${runs - 1} in a kept thread)` : of;
    rows.push(
      rateRow(
        `rebuild the ledger index (all views) at ${fmt(threaded[0]!.events)} events, ${threaded[0]!.readerThreads} reader thread(s)${ofThreaded}`,
        median(threaded.map((r) => r.ours)),
        median(raw),
        'ev/s',
        '≥ 100,000 ev/s',
      ),
    );
    // The first threaded rebuild of a process starts its reader thread; the later ones take the
    // thread the one before kept (see reader-thread-pool.ts in projections). A process that
    // rebuilds once, as `minsheng rebuild` does, starts its thread as the first one does.
    if (runs > 1 && startsItsThread && threaded[0]!.readerThreads > 0)
      rows.push(rateRow(`  the first of those, its reader thread started for it`, threaded[0]!.ours, raw[0]!, 'ev/s'));
    rows.push(noteRow(`  memory growth during that rebuild (threads' heaps included)`, `${fmt(most(threaded.map((r) => r.growthMb)))} MB`, 'bounded'));
    rows.push(rateRow(`  the same on one thread${of}`, median(one.map((r) => r.ours)), median(raw), 'ev/s'));
    rows.push(noteRow(`  memory growth during that rebuild`, `${fmt(most(one.map((r) => r.growthMb)))} MB`, 'bounded'));
    if (size !== sizes[sizes.length - 1]) await store.close();
  }

  // One figure's audit trail on the largest ledger: a district figure and a city figure.
  const readModel = createSqliteReadModel({ file });
  const ledger = createLedger({
    store: store!,
    readModel,
    clock: { now: () => new Date() },
    readers: { opener: sqliteStoreOpener(file) },
  });
  process.stderr.write('  projecting the largest ledger for the audit trail…\n');
  const projected = await ledger.project()();
  if (isLeft(projected)) throw new Error(projected.left.message);
  const samples = ctx.scale === 'full' ? 2000 : ctx.scale === 'small' ? 500 : 100;
  // One figure's trail per call, a district (four in turn) and the city, `n` and n / 4 calls.
  const trails = async (l: Ledger, n: number) => {
    const audit = async (place?: string) => {
      const r = await l.audit({ task: 13, metric: 't13-gas-pipe-renewal', ...(place ? { place } : {}) })();
      if (isLeft(r) || !r.right.replay.matches) throw new Error('audit failed');
    };
    return {
      district: await latencies(n, (i) => audit(['daoli', 'nangang', 'bayan', 'mulan'][i % 4]!)),
      city: await latencies(Math.floor(n / 4), () => audit()),
    };
  };
  const { district: districtTrail, city: cityTrail } = await trails(ledger, samples);
  // The same audits in the same run as before the kept streams: every stream read whole, every call.
  const whole = await trails(createLedger({ store: store!, readModel, clock: { now: () => new Date() }, keepAuditStreams: false }), Math.floor(samples / 4));
  // Computed on every call (no view kept), then redrawn: the same view asked again, answered from the one kept.
  const computing = createLedger({ store: store!, readModel, clock: { now: () => new Date() }, keepViews: false });
  const districtView = (l: Ledger) => async () => {
    const r = await l.status({ groupBy: 'district' })();
    if (isLeft(r)) throw new Error(r.left.message);
  };
  const status = await latencies(Math.floor(samples / 20), districtView(computing));
  const statusKept = await latencies(samples, districtView(ledger));
  // The same view in the same run as before the pairs' in-force rows: the effective-figure query for every pair.
  const queried = createSqliteReadModel({ file, inForceRows: false });
  const before = createLedger({ store: store!, readModel: queried, clock: { now: () => new Date() }, readers: { opener: sqliteStoreOpener(file) }, keepViews: false });
  const statusBefore = await latencies(Math.floor(samples / 20), async () => {
    const r = await before.status({ groupBy: 'district' })();
    if (isLeft(r)) throw new Error(r.left.message);
  });
  queried.close();
  // Raw: the same figure's rows by index, without the as-of logic.
  const raw = new Database(file, { readonly: true });
  const q = raw.prepare(
    `SELECT * FROM rm_figures WHERE pair = (SELECT id FROM rm_pairs WHERE plan_id = 'harbin-2024' AND metric = 't13-gas-pipe-renewal' AND place = ?)
     ORDER BY as_of DESC LIMIT 3`,
  );
  const rawTrail = await latencies(samples, (i) => q.all(['daoli', 'nangang', 'bayan', 'mulan'][i % 4]));
  raw.close();
  rows.push(latencyRow(`audit trail of one district figure at ${fmt(sizes[sizes.length - 1]!)} events`, districtTrail, rawTrail, 'p99 < 5,000 µs'));
  rows.push(latencyRow(`  the same, its streams read whole (before they were kept)`, whole.district, rawTrail));
  rows.push(latencyRow(`audit trail of one city figure (18 places) at ${fmt(sizes[sizes.length - 1]!)}`, cityTrail, undefined, 'p99 < 5,000 µs'));
  rows.push(latencyRow(`  the same, its streams read whole (before they were kept)`, whole.city, undefined));
  const under5ms = (l: { p99: number }) => l.p99 < 5000;
  rows.push(judged(latencyRow(`district view (all tasks, 18 places) at ${fmt(sizes[sizes.length - 1]!)}, computed (keepViews off)`, status, undefined, 'p99 < 5,000 µs'), under5ms(status)));
  rows.push(judged(latencyRow(`  the same, redrawn (the view kept, read model unchanged)`, statusKept, undefined, 'p99 < 5,000 µs'), under5ms(statusKept)));
  rows.push(latencyRow(`  the same, each pair's figure by the query (before the in-force rows)`, statusBefore, undefined));
  readModel.close();
  await store!.close();
  return rows;
};
