import {
  CURRENT_VERSION,
  newEventId,
  parsePlanText,
  progressStream,
  reportingPlaces,
  type EventEnvelope,
  type Plan,
} from '@minsheng/core';
import { ANY, type AppendBatch, type EventStore } from '@minsheng/event-store';
import { createLedger } from '@minsheng/ledger';
import { createPostgresReadModel } from '@minsheng/projections';
import { isLeft } from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figureFor } from './ledger-log';

/** Heilongjiang's 13 prefecture-level divisions: one livelihood plan each a year. */
export const CITIES = [
  'harbin', 'qiqihar', 'mudanjiang', 'jiamusi', 'daqing', 'jixi', 'shuangyashan',
  'yichun', 'qitaihe', 'hegang', 'heihe', 'suihua', 'daxinganling',
] as const;

/**
 * A city's plan for a year: the Harbin 2024 plan (its 20 tasks and 18 places stand in for every
 * city's own), renamed, and with every date moved into that year. Text, not objects, so the
 * plan is parsed (and checked) as a real one is.
 */
export const cityPlan = (city: string, year: number): Plan => {
  const file = join(__dirname, '..', '..', '..', 'seeds', 'harbin-2024.json');
  const text = readFileSync(file, 'utf8')
    .replace('"id": "harbin-2024"', `"id": "${city}-${year}"`)
    .replace(/"2024-(\d\d-\d\d)"/g, `"${year}-$1"`);
  const p = parsePlanText(text, `${city}-${year}`);
  if (isLeft(p)) throw new Error(p.left.message);
  return p.right;
};

export interface ProvinceShape {
  /** About how many events to write (the plans' imports come on top). */
  readonly events: number;
  readonly years: number;
  readonly cities: number;
}

/** The plans of the run and every (metric, place) pair each one reports. */
export const provincePlans = (shape: ProvinceShape) =>
  Array.from({ length: shape.years }, (_, y) => 2024 + y).flatMap((year) =>
    CITIES.slice(0, shape.cities).map((city) => {
      const plan = cityPlan(city, year);
      const pairs = plan.tasks.flatMap((t) => t.metrics.flatMap((m) => reportingPlaces(plan, m).map((place) => ({ t, m, place }))));
      return { year, plan, pairs };
    }),
  );

/** Records each plan as its city's office would, at the start of its year (no read model needed). */
export const importPlans = async (store: EventStore, url: string, plans: ReturnType<typeof provincePlans>): Promise<number> => {
  const readModel = await createPostgresReadModel({ connectionString: url, schema: 'province_import' });
  let written = 0;
  try {
    for (const { year, plan } of plans) {
      const ledger = createLedger({ store, readModel, projectInline: false, clock: { now: () => new Date(`${year}-01-02T00:00:00Z`) } });
      const r = await ledger.importPlan(plan)();
      if (isLeft(r)) throw new Error(r.left.message);
      written += r.right.written;
    }
  } finally {
    await readModel.close();
  }
  return written;
};

/**
 * The calls of the run in the order they are made: for each plan's year, `rounds` rounds of
 * reports in which every place reports every metric (cumulative, as units do), dated through the
 * year; one in 50 a correction of the pair's last report, one in 500 a retraction. Each call
 * appends up to `perCall` events, each to a stream of its own (appendBatches).
 */
export function* provinceCalls(plans: ReturnType<typeof provincePlans>, shape: ProvinceShape, perCall: number): Generator<AppendBatch[]> {
  const pairsPerYear = plans.filter((p) => p.year === plans[0]!.year).reduce((n, p) => n + p.pairs.length, 0);
  const rounds = Math.max(1, Math.ceil(shape.events / shape.years / pairsPerYear));
  const yearMs = 360 * 24 * 3600 * 1000;
  const last = new Map<string, string>();
  for (let y = 0; y < shape.years; y++) {
    const year = 2024 + y;
    const start = Date.parse(`${year}-01-03T00:00:00Z`);
    for (let i = 0; i < rounds; i++) {
      const at = new Date(start + Math.floor((i / rounds) * yearMs));
      const asOf = new Date(at.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
      let call: AppendBatch[] = [];
      for (const { plan, pairs } of plans.filter((p) => p.year === year))
        for (const { t, m, place } of pairs) {
          const stream = progressStream(plan.id, m.id, place);
          const metadata = { actor: { unit: t.responsibleUnits[0]!, person: '统计员' }, recordedAt: at.toISOString(), correlationId: `province-${year}-${i}` };
          const head = { planId: plan.id, task: t.number, metric: m.id, place };
          const eventId = newEventId(at);
          const corrected = last.get(stream);
          let event: EventEnvelope;
          if (i % 50 === 49 && corrected)
            event = { eventId, type: 'ProgressCorrected', schemaVersion: CURRENT_VERSION.ProgressCorrected, metadata,
              data: { ...head, corrects: corrected, asOf, figure: figureFor(m, i + 1), reason: '复核更正' } };
          else if (i % 500 === 499 && corrected)
            event = { eventId, type: 'ProgressRetracted', schemaVersion: CURRENT_VERSION.ProgressRetracted, metadata,
              data: { ...head, retracts: corrected, reason: '重复上报' } };
          else {
            event = { eventId, type: 'ProgressReported', schemaVersion: CURRENT_VERSION.ProgressReported, metadata,
              data: { ...head, asOf, figure: figureFor(m, i) } };
            last.set(stream, eventId);
          }
          call.push({ stream, events: [event], expected: ANY });
          if (call.length === perCall) {
            yield call;
            call = [];
          }
        }
      if (call.length) yield call;
    }
  }
}
