import { iterateBatches, type EventStore } from '@minsheng/event-store';
import { createLedger } from '@minsheng/ledger';
import { createSqliteReadModel, LEDGER_INDEX, READ_MODEL_DDL } from '@minsheng/projections';
import { fmt, latencies, latencyRow, noteRow, nowNs, rateRow, secondsSince, type BenchRow, type BenchSection } from '@minsheng/store-sqlite/bench';
import Database from 'better-sqlite3';
import { isLeft } from 'fp-ts/Either';
import { join } from 'node:path';
import { buildLedgerLog } from './ledger-log';

const SIZES = { small: [20_000, 100_000], full: [100_000, 1_000_000] } as const;
const PAGE = 2000;

/**
 * Rebuild: read the whole log through the store (upcast and checked) and fold it into the
 * ledger index every built-in view is computed from, committing rows and checkpoint per
 * batch. Beside it, SQLite alone copying the same figure rows into the same indexed table.
 */
const rebuild = async (store: EventStore, logFile: string, dir: string, size: number) => {
  const model = createSqliteReadModel({ file: join(dir, `rebuild-${size}.db`) });
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const start = nowNs();
  let checkpoint = 0;
  for await (const batch of iterateBatches(store, { batchSize: PAGE })) {
    const outcome = await model.writer.applyBatch(LEDGER_INDEX, checkpoint, batch);
    if (outcome !== 'applied') throw new Error(`rebuild: ${outcome}`);
    checkpoint = batch[batch.length - 1]!.position;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
  const ours = checkpoint / secondsSince(start);
  model.close();

  // Raw: SQLite alone moves the same figure rows into the same indexed table, reading the
  // JSON with json_extract, in batches of the same size; no parsing, validation or hashing in JS.
  const dst = new Database(join(dir, `raw-${size}.db`));
  dst.pragma('journal_mode = WAL');
  dst.pragma('synchronous = NORMAL');
  dst.pragma('cache_size = -65536');
  dst.exec(READ_MODEL_DDL);
  dst.prepare('ATTACH DATABASE ? AS log').run(logFile);
  const copy = dst.prepare(
    `INSERT INTO rm_figures (position, event_id, kind, report_id, report_position, plan_id, task, metric, place, as_of,
       recorded_at, figure, unit, person, source, reason, hash)
     SELECT position, event_id, 'report', event_id, position, json_extract(data, '$.planId'), json_extract(data, '$.task'),
       json_extract(data, '$.metric'), json_extract(data, '$.place'), COALESCE(json_extract(data, '$.asOf'), ''),
       0, COALESCE(json_extract(data, '$.figure'), ''), json_extract(metadata, '$.actor.unit'),
       json_extract(metadata, '$.actor.person'), NULL, json_extract(data, '$.reason'), hash
     FROM log.events WHERE position > ? AND position <= ? AND type IN ('ProgressReported', 'ProgressCorrected')`,
  );
  const rawStart = nowNs();
  const step = dst.transaction((from: number) => copy.run(from, from + PAGE));
  for (let from = 0; from < checkpoint; from += PAGE) step.immediate(from);
  const raw = checkpoint / secondsSince(rawStart);
  dst.close();
  return { ours, raw, events: checkpoint, growthMb: (rssPeak - rssBefore) / 2 ** 20 };
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
    const r = await rebuild(store, file, ctx.dir, size);
    rows.push(rateRow(`rebuild the ledger index (all views) at ${fmt(r.events)} events`, r.ours, r.raw, 'ev/s', '≥ 100,000 ev/s'));
    rows.push(noteRow(`  memory growth during that rebuild`, `${fmt(r.growthMb)} MB`, 'bounded'));
    if (size !== sizes[sizes.length - 1]) await store.close();
  }

  // One figure's audit trail on the largest ledger: a district figure and a city figure.
  const readModel = createSqliteReadModel({ file });
  const ledger = createLedger({ store: store!, readModel, clock: { now: () => new Date('2025-01-05T00:00:00Z') } });
  process.stderr.write('  projecting the largest ledger for the audit trail…\n');
  const projected = await ledger.project()();
  if (isLeft(projected)) throw new Error(projected.left.message);
  const samples = ctx.scale === 'full' ? 2000 : 500;
  const districtTrail = await latencies(samples, async (i) => {
    const place = ['daoli', 'nangang', 'bayan', 'mulan'][i % 4]!;
    const r = await ledger.audit({ task: 13, metric: 't13-gas-pipe-renewal', place })();
    if (isLeft(r) || !r.right.replay.matches) throw new Error('audit failed');
  });
  const cityTrail = await latencies(Math.floor(samples / 4), async () => {
    const r = await ledger.audit({ task: 13, metric: 't13-gas-pipe-renewal' })();
    if (isLeft(r) || !r.right.replay.matches) throw new Error('audit failed');
  });
  const status = await latencies(Math.floor(samples / 20), async () => {
    const r = await ledger.status({ by: 'district' })();
    if (isLeft(r)) throw new Error(r.left.message);
  });
  // Raw: the same figure's rows by index, without the as-of logic.
  const raw = new Database(file, { readonly: true });
  const q = raw.prepare(`SELECT * FROM rm_figures WHERE plan_id = 'harbin-2024' AND metric = 't13-gas-pipe-renewal' AND place = ? ORDER BY as_of DESC LIMIT 3`);
  const rawTrail = await latencies(samples, (i) => q.all(['daoli', 'nangang', 'bayan', 'mulan'][i % 4]));
  raw.close();
  rows.push(latencyRow(`audit trail of one district figure at ${fmt(sizes[sizes.length - 1]!)} events`, districtTrail, rawTrail, 'p99 < 5,000 µs'));
  rows.push(latencyRow(`audit trail of one city figure (18 places) at ${fmt(sizes[sizes.length - 1]!)}`, cityTrail, undefined));
  rows.push(latencyRow(`district view (all tasks, 18 places) at ${fmt(sizes[sizes.length - 1]!)}`, status, undefined));
  readModel.close();
  await store!.close();
  return rows;
};
