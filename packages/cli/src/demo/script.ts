import { reportingPlaces, type Plan, type Target } from '@minsheng/core';
import type { CorrectRequest, ReportRequest, RetractRequest } from '@minsheng/ledger';
import { DEFAULT_EVERY, DESIGN, DOCUMENT_PREFIX, PEOPLE, POPULATION, type MetricDesign } from './design';
import { allocate, pick, seededRandom } from './prng';

/** A ledger call's request in the library's names (responsibleUnit, measure): the demo always names the unit. */
type Named<R> = Omit<R, 'by' | 'unit' | 'responsibleUnit'> & { readonly responsibleUnit: string };
export type DemoReport = Named<ReportRequest>;

/** One step of the simulated year, at the time the ledger records it. */
export type Step =
  | { readonly type: 'report'; readonly key: string; readonly input: DemoReport; readonly late: boolean }
  | { readonly type: 'correct'; readonly of: string; readonly input: Named<Omit<CorrectRequest, 'eventId'>> }
  | { readonly type: 'retract'; readonly of: string; readonly input: Named<Omit<RetractRequest, 'eventId'>> }
  /** A report from a unit not responsible for the task: the ledger must refuse it. */
  | { readonly type: 'refused'; readonly input: DemoReport }
  | { readonly type: 'deadlines' };

export interface Timed {
  readonly at: Date;
  readonly step: Step;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** Figures are as of the 25th, in December the 20th: ahead of the plan's 25 December report deadline. */
const asOfDay = (month: number) => `2024-${pad2(month)}-${month === 12 ? 20 : 25}`;
const at = (day: string, minutes: number) =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + minutes * 60_000);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const num = (x: number, decimals: number) => String(Number(x.toFixed(decimals)));
const progressAt = (m: number, start: number, doneBy: number) =>
  m < start ? 0 : m >= doneBy ? 1 : (m - start + 1) / (doneBy - start + 1);

/** Builds the whole year: every report, correction, retraction and deadline check, in recording order. */
export const simulatedYear = (plan: Plan, seed: number): Timed[] => {
  const rng = seededRandom(seed);
  const steps: Array<Timed & { seq: number }> = [];
  const slots = new Map<string, number>();
  const unitIndex = (id: string) => plan.responsibleUnits.findIndex((u) => u.id === id);
  const add = (when: Date, step: Step) => steps.push({ at: when, step, seq: steps.length });
  const reports = new Map<string, DemoReport>();

  /** Files a report for a month: on time a day or three after its as-of date, now and then weeks late. */
  const file = (task: number, metric: string, unit: string, place: string, month: number, figure: Partial<DemoReport>) => {
    const asOf = asOfDay(month);
    const late = month < 12 && rng() < 0.035;
    const day = late ? addDays(asOf, 21 + Math.floor(rng() * 10)) : addDays(asOf, 1 + Math.floor(rng() * 3));
    const slot = (slots.get(`${unit}|${day}`) ?? 0) + 1;
    slots.set(`${unit}|${day}`, slot);
    const key = `${metric}|${place}|${month}`;
    const input: DemoReport = { task, metric, place, asOf, responsibleUnit: unit, person: PEOPLE[unit] ?? '值班员', ...figure };
    reports.set(key, input);
    add(at(day, (late ? 15 * 60 : 9 * 60) + unitIndex(unit) * 20 + slot), { type: 'report', key, input, late });
  };

  for (const task of plan.tasks)
    for (const metric of task.metrics) {
      const d: MetricDesign | undefined = DESIGN[metric.id];
      if (!d || d.kind === 'none') continue;
      const unit = d.responsibleUnit ?? (metric.responsibleUnits ?? task.responsibleUnits)[0]!;
      const eligible = reportingPlaces(plan, metric);
      const places = (p: number | readonly string[] | undefined) =>
        p === undefined ? eligible : typeof p === 'number' ? pick(rng, eligible, p) : [...p];
      const report = (place: string, month: number, figure: Partial<DemoReport>) => file(task.number, metric.id, unit, place, month, figure);
      generate(d, metric.target, places, report, rng);
      // An annual statistic is published after the year: each place's last figure, as of the period's end, in January.
      if (metric.measuredAtPeriodEnd) {
        const last = new Map<string, DemoReport>();
        for (let month = 1; month <= 12; month++)
          for (const place of eligible) {
            const r = reports.get(`${metric.id}|${place}|${month}`);
            if (r) last.set(place, r);
          }
        for (const [place, r] of last) {
          const key = `${metric.id}|${place}|final`;
          const input: DemoReport = { ...r, asOf: plan.periodEnd };
          reports.set(key, input);
          add(at(addDays(plan.periodEnd, 8), 9 * 60 + unitIndex(unit) * 20), { type: 'report', key, input, late: false });
        }
      }
    }

  // What went wrong during the year, and was put right.
  const latest = (metric: string, place: string, month: number): { key: string; input: DemoReport } => {
    for (let m = month; m >= 1; m--) {
      const key = `${metric}|${place}|${m}`;
      const input = reports.get(key);
      if (input) return { key, input };
    }
    throw new Error(`the demo has no report of ${metric} for ${place} by month ${month}`);
  };
  const placesOf = (metric: string) => [...new Set([...reports.values()].filter((r) => r.metric === metric).map((r) => r.place))];

  const pm = latest('t17-pm25', 'harbin', 8);
  add(at('2024-09-10', 10 * 60 + 5), {
    type: 'correct', of: pm.key,
    input: { value: '30.4', reason: '复核监测数据：剔除一个故障站点的异常低值', responsibleUnit: 'eco-env', person: PEOPLE['eco-env']! },
  });
  const gas = latest('t13-gas-pipe-renewal', 'daoli', 9);
  add(at('2024-10-09', 14 * 60 + 30), {
    type: 'correct', of: gas.key,
    input: { value: num(Number(gas.input.value) * 0.85, 1), reason: '重复统计了松北区的管段', responsibleUnit: 'housing', person: '刘洋' },
  });
  const wage = latest('t02-wage-platform-coverage', 'nangang', 6);
  add(at('2024-07-15', 11 * 60), {
    type: 'correct', of: wage.key,
    input: {
      numerator: wage.input.numerator!, denominator: String(Number(wage.input.denominator) + 3),
      reason: '在建项目总数漏报3个', responsibleUnit: 'hrss', person: PEOPLE.hrss!,
    },
  });
  const bridges = latest('t19-dangerous-bridges', 'bayan', 12);
  add(at('2024-11-12', 16 * 60), {
    type: 'correct', of: bridges.key,
    input: {
      value: String(Number(bridges.input.value) - 1), reason: '一座桥梁尚未通过交工验收，不应计入',
      responsibleUnit: 'transport', person: PEOPLE.transport!, source: { document: '哈交报〔2024〕更正1号' },
    },
  });
  const adaptations = latest('t09-elderly-home-adaptations', placesOf('t09-elderly-home-adaptations')[1]!, 7);
  add(at('2024-08-06', 10 * 60), {
    type: 'retract', of: adaptations.key,
    input: { reason: '误报：重复报送了上月已统计的改造户', responsibleUnit: 'civil-affairs', person: PEOPLE['civil-affairs']! },
  });
  add(at('2024-03-27', 10 * 60), {
    type: 'refused',
    input: { task: 1, metric: 't01-job-stations', place: '道里区', asOf: '2024-03-25', value: '3', responsibleUnit: '市教育局', person: PEOPLE.education! },
  });
  add(new Date('2024-11-01T00:00:00+08:00'), { type: 'deadlines' });
  add(new Date('2025-01-01T00:00:00+08:00'), { type: 'deadlines' });

  // Each unit numbers its report documents in the order it sends them.
  const docs = new Map<string, number>();
  return steps
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq)
    .map(({ at: when, step }) => {
      if (step.type !== 'report') return { at: when, step };
      const n = (docs.get(step.input.responsibleUnit) ?? 0) + 1;
      docs.set(step.input.responsibleUnit, n);
      const document = `${DOCUMENT_PREFIX[step.input.responsibleUnit] ?? '哈报'}〔2024〕${n}号`;
      return { at: when, step: { ...step, input: { ...step.input, source: { document, ...(step.late ? { note: '补报' } : {}) } } } };
    });
};

type Reporter = (place: string, month: number, figure: Partial<DemoReport>) => void;

/** The monthly figures of one metric, per its design. */
const generate = (
  d: Exclude<MetricDesign, { kind: 'none' }>,
  target: Target,
  places: (p: number | readonly string[] | undefined) => string[],
  report: Reporter,
  rng: () => number,
): void => {
  switch (d.kind) {
    case 'count': {
      if (!('value' in target) || !('unit' in target)) return;
      const tenThousand = target.unit === '万人' || target.unit === '万人次';
      const unit = tenThousand ? target.unit.slice(1) : target.unit;
      const decimals = d.decimals ?? 0;
      const ps = places(d.places);
      const finals = allocate(Number(target.value) * (tenThousand ? 10_000 : 1) * d.ratio, ps.map(() => 0.5 + rng()), decimals);
      ps.forEach((place, i) => {
        const lag = rng() * 0.2;
        let prev = 0;
        for (let m = 1; m <= 12; m++) {
          if (!d.onlyOnChange && m % (d.every ?? DEFAULT_EVERY) !== 0 && m !== d.doneBy) continue;
          const f = progressAt(m, d.start ?? 1, d.doneBy);
          const value = Math.max(prev, Number((finals[i]! * (f < 1 ? f * (1 - lag) : 1)).toFixed(decimals)));
          if (value > 0 && (value !== prev || !d.onlyOnChange))
            report(place, m, { value: num(value, decimals), ...(unit !== target.unit ? { measure: unit } : {}) });
          prev = value;
        }
      });
      return;
    }
    case 'ratio': {
      const ps = places(d.places);
      const jitter = (x: number, by: number) => (ps.length > 1 ? x * (1 + (rng() - 0.5) * by) : x);
      for (const place of ps) {
        const rate = target.kind === 'rate';
        const denominator = rate
          ? POPULATION[place]!
          : d.denominator![0] + Math.floor(rng() * (d.denominator![1] - d.denominator![0] + 1));
        const to = d.to >= 1 && !rate ? 1 : Math.min(rate ? Infinity : 1, jitter(d.to, rate ? 0.04 : 0.08));
        const from = Math.min(to, jitter(d.from, 0.1));
        const per = target.kind === 'rate' ? Number(target.per) : 1;
        let prev = -1;
        for (let m = 1; m <= 12; m++) {
          if (m % (d.every ?? DEFAULT_EVERY) !== 0 && m !== d.doneBy) continue;
          const level = from + (to - from) * progressAt(m, 1, d.doneBy);
          const numerator = Math.max(prev, Math.round((denominator * level) / per));
          if (numerator !== prev) report(place, m, { numerator: String(numerator), denominator: String(denominator) });
          prev = numerator;
        }
      }
      return;
    }
    case 'stages': {
      if (target.kind !== 'milestone') return;
      for (const [place, months] of Object.entries(d.months))
        months.forEach((m, i) => report(place, m, { stage: target.stages[i]! }));
      return;
    }
    case 'yes':
      for (const [place, m] of Object.entries(d.months)) report(place, Math.abs(m), { value: m > 0 ? 'yes' : 'no' });
      return;
    case 'ceiling':
      d.monthly.forEach((value, i) => report('harbin', i + 1, { value }));
      return;
  }
};
