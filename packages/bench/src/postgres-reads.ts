import type { EventStore } from '@minsheng/event-store';
import { fmt, judged, latencies, latencyRow, nowNs, rateRow, secondsSince, type BenchRow, type Latency } from '@minsheng/store-sqlite/internal';
import type { Pool } from 'pg';
import { RAW_ROW_COLUMNS } from './postgres-log';

const PAGE = 1000;

/** The whole log through the store in pages of 1000 (checked, or raw: no hash check); events a second. */
const readOurs = async (store: EventStore, raw: boolean): Promise<number> => {
  const start = nowNs();
  let from = 0;
  let read = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE, raw })();
    if (page._tag === 'Left') throw new Error(page.left.message);
    if (page.right.length === 0) break;
    read += page.right.length;
    from = page.right[page.right.length - 1]!.position;
  }
  return read / secondsSince(start);
};

/** Raw pg: the same columns in the same pages by position, rows left as pg returns them. */
const readRaw = async (pool: Pool): Promise<number> => {
  const start = nowNs();
  let from = 0;
  let read = 0;
  for (;;) {
    const { rows } = await pool.query({
      name: 'raw-page',
      text: `SELECT ${RAW_ROW_COLUMNS} FROM minsheng.events WHERE position > $1 ORDER BY position LIMIT $2`,
      values: [from, PAGE],
    });
    if (rows.length === 0) break;
    read += rows.length;
    from = Number(rows[rows.length - 1].position);
  }
  return read / secondsSince(start);
};

export interface LogReads {
  readonly checked: number;
  readonly unchecked: number;
  readonly raw: number;
}

/** Reads the log twice each way, alternating, and keeps each way's better run (the first warms the cache). */
export const readLog = async (store: EventStore, pool: Pool): Promise<LogReads> => {
  const best = { checked: 0, unchecked: 0, raw: 0 };
  for (let k = 0; k < 2; k++) {
    best.raw = Math.max(best.raw, await readRaw(pool));
    best.checked = Math.max(best.checked, await readOurs(store, false));
    best.unchecked = Math.max(best.unchecked, await readOurs(store, true));
  }
  return best;
};

/** The rows of one log size; at the larger size, the goal also asks that reading stay flat. */
export const logReadRows = (size: number, r: LogReads, smaller?: { readonly size: number; readonly reads: LogReads }): BenchRow[] => {
  const flat = smaller ? ` and ≥ 80% of ${fmt(smaller.size)}'s` : '';
  const met = r.checked >= 0.7 * r.raw && (!smaller || r.checked >= 0.8 * smaller.reads.checked);
  return [
    judged(rateRow(`read the global log at ${fmt(size)} events, checked (pages of ${PAGE})`, r.checked, r.raw, 'events/s', `≥ 70% of raw${flat}`), met),
    rateRow(`  the same, raw (no hash check)`, r.unchecked, r.raw, 'events/s'),
  ];
};

/** One progress stream read whole (forward), p50/p99, beside raw pg's same rows by (stream, revision). */
export const streamReadRow = async (store: EventStore, pool: Pool, size: number, samples: number): Promise<BenchRow> => {
  const { rows } = await pool.query(`SELECT stream FROM minsheng.streams WHERE stream LIKE 'progress-%' ORDER BY stream LIMIT 50`);
  const streams = rows.map((r: { stream: string }) => r.stream);
  const events = Number((await pool.query(`SELECT revision FROM minsheng.streams WHERE stream = $1`, [streams[0]])).rows[0].revision) + 1;
  const ours: Latency = await latencies(samples, async (i) => {
    const r = await store.readStream(streams[i % streams.length]!)();
    if (r._tag === 'Left') throw new Error(r.left.message);
  });
  const raw = await latencies(samples, (i) =>
    pool.query({
      name: 'raw-stream',
      text: `SELECT ${RAW_ROW_COLUMNS} FROM minsheng.events WHERE stream = $1 ORDER BY revision`,
      values: [streams[i % streams.length]],
    }),
  );
  return latencyRow(`read one stream whole (${fmt(events)} events) at ${fmt(size)}, checked`, ours, raw, 'recorded');
};

/**
 * The store reads an audit makes for one figure, p50/p99: its task's stream and one progress
 * stream a place (all at once, as the ledger asks), beside raw pg selecting the same rows in one
 * query. The district figure reads two streams, the city figure one a place besides.
 */
export const evidenceReadRows = async (store: EventStore, pool: Pool, size: number, samples: number): Promise<BenchRow[]> => {
  const metric = 't13-gas-pipe-renewal';
  const { rows } = await pool.query(`SELECT stream FROM minsheng.streams WHERE stream LIKE $1 ORDER BY stream`, [`progress-%-${metric}-%`]);
  const places: string[] = rows.map((r: { stream: string }) => r.stream);
  const task = (await pool.query(`SELECT stream FROM minsheng.streams WHERE stream LIKE 'task-%-13'`)).rows[0].stream as string;
  const row = async (label: string, pick: (i: number) => string[], n: number): Promise<BenchRow> => {
    const ours = await latencies(n, async (i) => {
      const read = await Promise.all(pick(i).map((s) => store.readStream(s)()));
      for (const r of read) if (r._tag === 'Left') throw new Error(r.left.message);
    });
    const raw = await latencies(n, (i) =>
      pool.query({ name: 'raw-streams', text: `SELECT ${RAW_ROW_COLUMNS} FROM minsheng.events WHERE stream = ANY($1) ORDER BY position`, values: [pick(i)] }),
    );
    return judged(latencyRow(label, ours, raw, 'p99 < 5,000 µs'), ours.p99 < 5000);
  };
  return [
    await row(`  the audit's store reads, a district figure (2 streams) at ${fmt(size)}`, (i) => [task, places[i % places.length]!], samples),
    await row(`  the audit's store reads, a city figure (${places.length + 1} streams) at ${fmt(size)}`, () => [task, ...places], Math.floor(samples / 4)),
  ];
};
