import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ledgerRegistry } from '@minsheng/core';
import { iterateBatches, NO_STREAM, type EventStore } from '@minsheng/event-store';
import { makeTestEvents } from '@minsheng/event-store/testing';
import { createSqliteEventStore } from '../store';
import { fmt, latencies, latencyRow, nowNs, noteRow, pct, rateRow, secondsSince, type BenchRow, type BenchSection, type Latency } from './table';

const SIZES = {
  smoke: { firstLog: 1_000, streamLog: 2_000, lastLog: 10_000, samples: 200 },
  small: { firstLog: 10_000, streamLog: 20_000, lastLog: 100_000, samples: 2_000 },
  full: { firstLog: 100_000, streamLog: 200_000, lastLog: 1_000_000, samples: 10_000 },
};
const STREAM_LENGTH = 10;
const PAGE = 1000;

/** Grows the log in streams of ten events. synchronous=NORMAL: building is not what is measured. */
const grower = (store: EventStore) => {
  let streams = 0;
  return {
    get streams() {
      return streams;
    },
    async growTo(events: number) {
      while (streams * STREAM_LENGTH < events) {
        const r = await store.append(`progress-${streams}`, makeTestEvents(STREAM_LENGTH), NO_STREAM)();
        if (r._tag === 'Left') throw new Error(r.left.message);
        streams++;
      }
    },
  };
};

const ROW = `position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash`;

/** Events per second reading the whole log a page at a time: through the store (upcast and checked), raw through the store, and plain SQL. */
const readWholeLog = async (store: EventStore, raw: Database.Database) => {
  const time = async (f: () => Promise<number>) => {
    const start = nowNs();
    const n = await f();
    return n / secondsSince(start);
  };
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const through = (asStored: boolean) => async () => {
    let n = 0;
    for await (const batch of iterateBatches(store, { batchSize: PAGE, raw: asStored })) {
      n += batch.length;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }
    return n;
  };
  const page = raw.prepare(`SELECT ${ROW} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
  const plain = async () => {
    let n = 0;
    for (let from = 0; ; ) {
      const rows = page.all(from, PAGE) as { position: number }[];
      if (rows.length === 0) return n;
      n += rows.length;
      from = rows[rows.length - 1]!.position;
    }
  };
  const checked = await time(through(false));
  const readingMb = (rssPeak - rssBefore) / 2 ** 20;
  return { checked, asStored: await time(through(true)), plain: await time(plain), readingMb };
};

/** p50/p99 of reading one whole 10-event stream, chosen at random. */
const readOneStream = async (store: EventStore, raw: Database.Database, streams: number, samples: number) => {
  let seed = 42;
  const pick = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % streams;
  const picks = Array.from({ length: samples }, pick);
  const select = raw.prepare(`SELECT ${ROW} FROM events WHERE stream = ? AND revision >= 0 ORDER BY revision LIMIT -1`);
  const ours = await latencies(samples, async (i) => {
    const r = await store.readStream(`progress-${picks[i]}`)();
    if (r._tag === 'Left' || r.right.length !== STREAM_LENGTH) throw new Error('bad stream read');
  });
  const plain = await latencies(samples, (i) => select.all(`progress-${picks[i]}`));
  return { ours, plain };
};

export const readSection: BenchSection = async (ctx) => {
  const { firstLog, streamLog, lastLog, samples } = SIZES[ctx.scale];
  const file = join(ctx.dir, 'log.db');
  const store = createSqliteEventStore({ file, registry: ledgerRegistry, synchronous: 'normal' });
  const raw = new Database(file, { readonly: true });
  const log = grower(store);
  const rows: BenchRow[] = [];
  const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

  const logRows = async (size: number) => {
    const r = await readWholeLog(store, raw);
    rows.push(rateRow(`read the global log at ${k(size)} events (checked, upcast)`, r.checked, r.plain, 'events/s', 'flat as it grows'));
    rows.push(rateRow(`read the global log at ${k(size)} events (raw: true)`, r.asStored, r.plain, 'events/s'));
    rows.push(noteRow(`RSS growth while reading the ${k(size)} log (pages of ${PAGE})`, `${fmt(r.readingMb)} MB`, 'bounded: one page'));
    return r;
  };
  const streamRow = async (size: number): Promise<Latency> => {
    const r = await readOneStream(store, raw, log.streams, samples);
    rows.push(latencyRow(`read one 10-event stream, store of ${k(size)}`, r.ours, r.plain, 'flat as it grows'));
    return r.ours;
  };

  process.stderr.write(`  building ${k(firstLog)} events…\n`);
  await log.growTo(firstLog);
  await readWholeLog(store, raw); // warm-up: the first pass would also be measuring the JIT
  const first = await logRows(firstLog);
  process.stderr.write(`  building ${k(streamLog)} events…\n`);
  await log.growTo(streamLog);
  const streamFirst = await streamRow(streamLog);
  process.stderr.write(`  building ${k(lastLog)} events…\n`);
  await log.growTo(lastLog);
  const last = await logRows(lastLog);
  const streamLast = await streamRow(lastLog);
  rows.push(
    noteRow(
      `flatness: ${k(lastLog)} vs smaller log`,
      `log read ${pct(last.checked / first.checked)} of the speed at ${k(firstLog)} (raw SQL: ${pct(last.plain / first.plain)}); ` +
        `stream read p50 ×${fmt(streamLast.p50 / streamFirst.p50, 2)} vs ${k(streamLog)}`,
      '≈ 100%, ×1',
    ),
  );
  raw.close();
  await store.close();
  ctx.logFile = file;
  ctx.logSize = lastLog;
  return rows;
};
