import { join } from 'node:path';
import { ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { NO_STREAM, type EventStore, type ExpectedRevision } from '@minsheng/event-store';
import { makeTestEvent } from '@minsheng/event-store/testing';
import { createSqliteEventStore } from '../store';
import { chainedRows, rawDatabase, rawInsert } from './raw';
import { interleaved, rateRow, type BenchSection } from './table';

const SIZES = { smoke: { singles: 200, batches: 10 }, small: { singles: 2_000, batches: 60 }, full: { singles: 10_000, batches: 500 } };
const ROUNDS = 5;
const BATCH = 100;

const mustAppend = async (store: EventStore, stream: string, events: EventEnvelope[], expected: ExpectedRevision) => {
  const r = await store.append(stream, events, expected)();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/** Single appends (one event per call, exact expected revision) and batches of 100, both synchronous=FULL. */
export const appendSection: BenchSection = async (ctx) => {
  const { singles, batches } = SIZES[ctx.scale];

  // Single appends over 100 streams, each call stating the stream's exact revision.
  const singleAppends = Array.from({ length: singles }, (_, i) => ({ stream: `progress-${i % 100}`, event: makeTestEvent({ value: String(i) }) }));
  const singleStore = createSqliteEventStore({ file: join(ctx.dir, 'single-ours.db'), registry: ledgerRegistry });
  const rawSingleDb = rawDatabase(join(ctx.dir, 'single-raw.db'));
  const singleRows = chainedRows(singleAppends);
  const insertSingle = rawInsert(rawSingleDb);
  const revisions = new Map<string, number>();
  const single = await interleaved(
    ROUNDS,
    singles / ROUNDS,
    async (i) => {
      const { stream, event } = singleAppends[i]!;
      const r = await mustAppend(singleStore, stream, [event], revisions.get(stream) ?? NO_STREAM);
      revisions.set(stream, r.nextRevision);
    },
    (i) => insertSingle.immediate([singleRows[i]!]),
  );
  await singleStore.close();
  rawSingleDb.close();

  // Batches of 100 events, one new stream per batch.
  const batchAppends = Array.from({ length: batches }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({ stream: `progress-batch-${b}`, event: makeTestEvent({ value: String(i) }) })),
  );
  const batchStore = createSqliteEventStore({ file: join(ctx.dir, 'batch-ours.db'), registry: ledgerRegistry });
  const rawBatchDb = rawDatabase(join(ctx.dir, 'batch-raw.db'));
  const flat = chainedRows(batchAppends.flat());
  const insertBatch = rawInsert(rawBatchDb);
  const batched = await interleaved(
    ROUNDS,
    batches / ROUNDS,
    (b) => mustAppend(batchStore, `progress-batch-${b}`, batchAppends[b]!.map((a) => a.event), NO_STREAM),
    (b) => insertBatch.immediate(flat.slice(b * BATCH, (b + 1) * BATCH)),
  );
  await batchStore.close();
  rawBatchDb.close();

  return [
    rateRow('single appends (1 event/call, expected revision, FULL)', single.ours, single.raw, 'appends/s', '≥ 3,000/s'),
    rateRow(`batched appends (${BATCH} events/call, FULL)`, batched.ours * BATCH, batched.raw * BATCH, 'events/s', '≥ 60% of raw'),
    rateRow('  the same, in CPU time (the whole process)', batched.cpu.ours * BATCH, batched.cpu.raw * BATCH, 'events per CPU-s'),
  ];
};
