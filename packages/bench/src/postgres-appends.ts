import { createHash } from 'node:crypto';
import { NO_STREAM, type EventStore, type ExpectedRevision } from '@minsheng/event-store';
import { makeTestEvent } from '@minsheng/event-store/testing';
import type { EventEnvelope } from '@minsheng/core';
import { interleaved, judged, nowNs, rateRow, secondsSince, type BenchRow, type Scale } from '@minsheng/store-sqlite/internal';
import { Pool } from 'pg';
import { openLedgerStore, rawEventsDdl } from './postgres-log';

const SIZES = { smoke: { singles: 50, concurrent: 160, batches: 5 }, small: { singles: 300, concurrent: 800, batches: 30 }, full: { singles: 3_000, concurrent: 8_000, batches: 300 } };
const ROUNDS = 5;
const BATCH = 100;
export const WRITERS = 16;

const mustAppend = async (store: EventStore, stream: string, events: EventEnvelope[], expected: ExpectedRevision) => {
  const r = await store.append(stream, events, expected)();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/**
 * Raw pg: the same rows (canonical JSON, a sha-256 link) into a table with the store's keys,
 * one INSERT a call in its own transaction (autocommit), no lock, no trigger, no read first.
 * The engine's limit for a durable write of that size.
 */
const rawWriter = (pool: Pool) => {
  let position = 0;
  let prev = '0'.repeat(64);
  const revisions = new Map<string, number>();
  return (stream: string, events: readonly EventEnvelope[]) => {
    const rows = events.map((e) => {
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      const data = JSON.stringify(e.data);
      const hash = createHash('sha256').update(prev).update(data).digest('hex');
      const row = [++position, stream, revision, e.eventId, e.type, e.schemaVersion, data, JSON.stringify(e.metadata), prev, hash];
      prev = hash;
      return row;
    });
    const col = (i: number) => rows.map((r) => r[i]);
    return pool.query({
      name: 'raw-insert',
      text: `INSERT INTO raw.events (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at)
             SELECT *, now() FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[],
               $8::text[], $9::text[], $10::text[])`,
      values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(col),
    });
  };
};

/** `writers` loops at once, each on a stream of its own, `each` calls apiece; calls a second. */
const concurrently = async (writers: number, each: number, call: (writer: number, i: number) => Promise<unknown>): Promise<number> => {
  const start = nowNs();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < each; i++) await call(w, i);
  }));
  return (writers * each) / secondsSince(start);
};

/**
 * Appends on a fresh database at `url` (with the store `open` opens; the ledger's by default): single events with their exact expected revision (one
 * writer, then 16 at once on streams of their own), and batches of 100; raw pg beside each.
 */
export const postgresAppends = async (url: string, scale: Scale, open: (url: string, poolSize: number) => Promise<EventStore> = openLedgerStore): Promise<BenchRow[]> => {
  const { singles, concurrent, batches } = SIZES[scale];
  const store = await open(url, WRITERS);
  const pool = new Pool({ connectionString: url, max: WRITERS });
  await pool.query(rawEventsDdl('raw'));
  const raw = rawWriter(pool);
  const revisions = new Map<string, number>();
  const ours = async (stream: string, events: EventEnvelope[]) => {
    const r = await mustAppend(store, stream, events, revisions.get(stream) ?? NO_STREAM);
    revisions.set(stream, r.nextRevision);
  };
  try {
    // Warm-up: the pools' connections and their prepared statements.
    for (let i = 0; i < 50; i++) {
      await ours(`warm-${i % WRITERS}`, [makeTestEvent()]);
      await raw(`warm-${i % WRITERS}`, [makeTestEvent()]);
    }
    await concurrently(WRITERS, 5, (w) => Promise.all([ours(`warm-${w}`, [makeTestEvent()]), raw(`warm-${w}`, [makeTestEvent()])]));

    const single = await interleaved(
      ROUNDS,
      singles / ROUNDS,
      (i) => ours(`progress-${i % 100}`, [makeTestEvent({ value: String(i) })]),
      (i) => raw(`progress-${i % 100}`, [makeTestEvent({ value: String(i) })]),
    );
    const each = concurrent / WRITERS / ROUNDS;
    const o: number[] = [];
    const r: number[] = [];
    for (let k = 0; k < ROUNDS; k++) {
      o.push(await concurrently(WRITERS, each, (w) => ours(`writer-${w}`, [makeTestEvent()])));
      r.push(await concurrently(WRITERS, each, (w) => raw(`writer-${w}`, [makeTestEvent()])));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const many = { ours: median(o), raw: median(r) };
    const batched = await interleaved(
      ROUNDS,
      batches / ROUNDS,
      (b) => ours(`batch-${b}`, Array.from({ length: BATCH }, (_, i) => makeTestEvent({ value: String(i) }))),
      (b) => raw(`batch-${b}`, Array.from({ length: BATCH }, (_, i) => makeTestEvent({ value: String(i) }))),
    );
    return [
      judged(rateRow('single appends (1 event/call, expected revision), 1 writer', single.ours, single.raw, 'appends/s', '≥ 70% of raw'), single.ours >= 0.7 * single.raw),
      judged(
        rateRow(`single appends, ${WRITERS} writers on streams of their own`, many.ours, many.raw, 'appends/s', '≥ 5× 1 writer'),
        many.ours >= 5 * single.ours,
      ),
      judged(rateRow(`batched appends (${BATCH} events/call)`, batched.ours * BATCH, batched.raw * BATCH, 'events/s', '≥ 70% of raw'), batched.ours >= 0.7 * batched.raw),
    ];
  } finally {
    await store.close();
    await pool.end();
  }
};
