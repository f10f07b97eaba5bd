/*
 * Signed reports (issue 16) on SQLite at synchronous=FULL, each beside the same work unsigned in
 * the same run. Single: `ledger.report` one at a time, the unit's signature made in process
 * (@minsheng/verify's signWith) and checked by the ledger against the key it registered, on a
 * production ledger in signed mode against one that is not. Batched: 100 reports (one per
 * (metric, place) stream) in one appendBatches call, each signed and its signature verified
 * before the append, against the same 100 unsigned.
 */
import {
  CURRENT_VERSION,
  ledgerRegistry,
  newEventId,
  parseUnitVerifierKey,
  progressSignedContent,
  progressStream,
  reportingPlaces,
  verifiesContent,
  type EventEnvelope,
  type Metadata,
} from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { createLedger, type Ledger } from '@minsheng/ledger';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { interleaved, rateRow, type BenchRow, type BenchSection } from '@minsheng/store-sqlite/internal';
import { isLeft } from 'fp-ts/Either';
import { join } from 'node:path';
import { figureFor, harbinPlan } from './ledger-log';
import { verifyDist } from './proof-sections';

const SIZES = { smoke: { singles: 50, batches: 5 }, small: { singles: 500, batches: 25 }, full: { singles: 2_000, batches: 100 } };
const ROUNDS = 5;
const BATCH = 100;

interface Keys {
  newSignerKey(name: string): { signer: string; verifier: string };
  signWith(key: string, unit?: string): (content: string) => { keyId: string; unit?: string; signature: string };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const keys = require(join(verifyDist, 'index.js')) as Keys;

const must = async <A>(te: () => Promise<{ _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

const plan = harbinPlan();
const roads = plan.tasks.find((t) => t.number === 19)!;
const roadsMetric = roads.metrics.find((m) => m.id === 't19-rural-roads')!;
const UNIT = roads.responsibleUnits[0]!;

/** A production ledger on its own file with the plan imported; signed: signing on and UNIT's key registered. */
const openLedger = async (file: string, signed: boolean): Promise<{ ledger: Ledger; store: EventStore; sign?: ReturnType<Keys['signWith']>; close(): Promise<void> }> => {
  const store = createSqliteEventStore({ file, registry: ledgerRegistry });
  const readModel = createSqliteReadModel({ file: `${file}.read` });
  const ledger = createLedger({ store, readModel });
  await must(ledger.importPlan(plan));
  const close = async () => (readModel.close(), await store.close());
  if (!signed) return { ledger, store, close };
  const admin = keys.newSignerKey('bench-admin');
  const unit = keys.newSignerKey('bench-unit');
  await must(ledger.enableSigning({ adminKey: admin.verifier, admin: keys.signWith(admin.signer) }));
  await must(ledger.registerKey({ unit: UNIT, key: unit.verifier, admin: keys.signWith(admin.signer) }));
  return { ledger, store, sign: keys.signWith(unit.signer), close };
};

/** The reports of batch `b`: one per (metric, place) pair of the plan, each on its own stream. */
const batchOf = (b: number, sign?: (content: string) => { keyId: string; signature: string }, verifier?: ReturnType<typeof parseUnitVerifierKey>) => {
  const pairs = plan.tasks.flatMap((t) => t.metrics.flatMap((m) => reportingPlaces(plan, m).map((place) => ({ t, m, place })))).slice(0, BATCH);
  return pairs.map(({ t, m, place }, i) => {
    const at = new Date(Date.parse('2024-02-01T00:00:00Z') + b * 60_000);
    const metadata: Metadata = { actor: { unit: t.responsibleUnits[0]!, person: '统计员' }, recordedAt: at.toISOString(), correlationId: `bench-signed-${b}` };
    const data = { planId: plan.id, task: t.number, metric: m.id, place, asOf: '2024-01-31', figure: figureFor(m, b * BATCH + i) };
    let sealed = metadata;
    if (sign && verifier && typeof verifier !== 'string') {
      const content = progressSignedContent({ type: 'ProgressReported', data, metadata });
      const s = sign(content);
      if (!verifiesContent(verifier, content, s.signature)) throw new Error('a bench signature does not verify');
      sealed = { ...metadata, signature: { keyId: s.keyId, unit: metadata.actor.unit!, signature: s.signature } };
    }
    const event: EventEnvelope = { eventId: newEventId(at), type: 'ProgressReported', schemaVersion: CURRENT_VERSION.ProgressReported, data, metadata: sealed };
    return { stream: progressStream(plan.id, m.id, place), events: [event], expected: ANY };
  });
};

export const signedReportSection: BenchSection = async (ctx): Promise<BenchRow[]> => {
  const { singles, batches } = SIZES[ctx.scale];
  const signedOne = await openLedger(join(ctx.dir, 'signed-single.db'), true);
  const plainOne = await openLedger(join(ctx.dir, 'unsigned-single.db'), false);
  const places = reportingPlaces(plan, roadsMetric);
  const input = (i: number) => ({ task: 19, metric: roadsMetric.id, place: places[i % places.length]!, asOf: '2024-09-30', value: String(i + 1), by: UNIT });
  const single = await interleaved(
    ROUNDS,
    singles / ROUNDS,
    (i) => must(signedOne.ledger.report({ ...input(i), signature: signedOne.sign! })),
    (i) => must(plainOne.ledger.report(input(i))),
  );
  await signedOne.close();
  await plainOne.close();

  // Batches at the store: what a bulk import of signed figures pays, the ledger's per-report reads left out.
  const signedStore = createSqliteEventStore({ file: join(ctx.dir, 'signed-batch.db'), registry: ledgerRegistry });
  const plainStore = createSqliteEventStore({ file: join(ctx.dir, 'unsigned-batch.db'), registry: ledgerRegistry });
  const unit = keys.newSignerKey('bench-batch');
  const verifier = parseUnitVerifierKey(unit.verifier);
  const sign = keys.signWith(unit.signer);
  const batched = await interleaved(
    ROUNDS,
    batches / ROUNDS,
    (b) => must(signedStore.appendBatches(batchOf(b, sign, verifier))),
    (b) => must(plainStore.appendBatches(batchOf(b))),
  );
  await signedStore.close();
  await plainStore.close();
  return [
    rateRow('single reports (ledger.report, sign + verify + append, FULL)', single.ours, single.raw, 'reports/s'),
    rateRow(`batched reports (${BATCH} streams/appendBatches, sign + verify each, FULL)`, batched.ours * BATCH, batched.raw * BATCH, 'reports/s'),
  ];
};
