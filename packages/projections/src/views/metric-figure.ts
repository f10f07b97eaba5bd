import {
  bottomPlaces,
  dec,
  exceeds,
  isMet,
  lastAsOf,
  percentOfTarget,
  progressFromBaseline,
  reportingPlaces,
  requiredPlaces,
  rollUp,
  type Baseline,
  type Dec,
  type PlaceFigure,
  type PlanFrame,
  type RolledUp,
  type Target,
  type TargetSetData,
} from '@minsheng/core';
import type { FigureVersion } from '../read-model/rows';
import { ON_TRACK_TOLERANCE_POINTS, scheduledPercent, statusOf, type Status } from './status';

/** One metric's city figure at a date: the place figures in force, how they combine, and how it stands. */
export interface MetricFigure {
  readonly target: TargetSetData;
  readonly versions: readonly FigureVersion[];
  readonly required: readonly string[];
  readonly rolled: RolledUp;
  readonly met: boolean;
  /** Places with a figure in force, of the places the metric is reported for. */
  readonly coverage: { readonly reported: number; readonly expected: number };
  /** Percent of target: value / target. */
  readonly percent: Dec | null;
  /** Percent of the way from the baseline to the target (what the schedule is compared with); null: no honest pace. */
  readonly progress: Dec | null;
  readonly scheduled: number | null;
  readonly due: string | undefined;
  /** The latest as-of date among the figures in force. */
  readonly metOn: string | null;
  /** Measured at period end, and no figure in force is as of the period's end yet. */
  readonly awaitingFinal: boolean;
  readonly status: Status;
}

/** A metric's completion deadline: the earliest completion deadline among its own. */
export const metricDue = (frame: Pick<PlanFrame, 'deadlines'>, target: Pick<TargetSetData, 'deadlines'>): string | undefined =>
  frame.deadlines
    .filter((d) => d.kind === 'completion' && target.deadlines.includes(d.id))
    .map((d) => d.due)
    .sort()[0];

/**
 * What judge asks of the frame and the target for every place of a district view (693 pairs on the
 * Harbin plan) worked out once per frame and target object: a snapshot's objects are its own, read
 * once and never changed, so the answer cannot go stale.
 */
const judgedOnce = new WeakMap<object, { readonly of: object; readonly value: string | undefined }>();
const once = (key: object, of: object, f: () => string | undefined): string | undefined => {
  const hit = judgedOnce.get(key);
  if (hit && hit.of === of) return hit.value;
  const value = f();
  judgedOnce.set(key, { of, value });
  return value;
};
const dueOf = (frame: PlanFrame, t: TargetSetData): string | undefined => once(t, frame, () => metricDue(frame, t));
const lastAsOfOf = (frame: PlanFrame): string => once(frame, frame, () => lastAsOf(frame))!;

export const tolerancePoints = (frame: Pick<PlanFrame, 'onTrackTolerance'>): number =>
  frame.onTrackTolerance ? Number(frame.onTrackTolerance.value) : ON_TRACK_TOLERANCE_POINTS;

export const latestAsOf = (versions: readonly FigureVersion[]): string | null =>
  versions.reduce<string | null>((acc, v) => (acc === null || v.asOf > acc ? v.asOf : acc), null);

/** What one scope (the city, or one place with its own allocated target) is judged by. */
export interface Judged {
  readonly met: boolean;
  readonly percent: Dec | null;
  readonly progress: Dec | null;
  readonly scheduled: number | null;
  readonly metOn: string | null;
  readonly awaitingFinal: boolean;
  readonly status: Status;
}

/**
 * Judges figures in force against a target (the city's, or a place's allocation) with the
 * metric's baseline, schedule and period-end rule. `complete` needs every expected place for a
 * share or rate; an annual statistic needs figures as of the period's end.
 */
export const judge = (
  frame: PlanFrame,
  t: TargetSetData,
  scope: { target: Target; baseline: Baseline | undefined; expected: number },
  versions: readonly FigureVersion[],
  rolled: RolledUp,
  figures: readonly PlaceFigure[],
  required: readonly string[],
  date: string,
  late = false,
): Judged => {
  const target = scope.target;
  const ratio = target.kind === 'share' || target.kind === 'rate';
  const reported = new Set(versions.map((v) => v.place)).size;
  const awaitingFinal = t.metric.measuredAtPeriodEnd === true && !(versions.length > 0 && versions.every((v) => v.asOf >= frame.periodEnd));
  const met = isMet(target, rolled) && (!ratio || reported >= scope.expected) && !awaitingFinal;
  const percent = percentOfTarget(target, rolled, figures, required);
  const baseline = scope.baseline ? dec(scope.baseline.value) : null;
  const progress = progressFromBaseline(target, rolled, baseline, figures, required);
  const due = dueOf(frame, t);
  const schedule = t.metric.measuredAtPeriodEnd ? ({ profile: 'periodEnd' } as const) : t.metric.schedule;
  return {
    met,
    percent,
    progress,
    scheduled: due === undefined ? null : scheduledPercent(date, frame.periodStart, due, schedule),
    metOn: met ? latestAsOf(versions) : null,
    awaitingFinal,
    status: statusOf({
      met,
      late,
      exceeded: met && exceeds(target, rolled),
      percent: progress,
      hasFigure: versions.length > 0,
      date,
      periodStart: frame.periodStart,
      due,
      schedule,
      tolerancePoints: tolerancePoints(frame),
      ceiling: target.kind === 'ceiling',
      hasBaseline: baseline !== null,
      awaitingFinal: t.metric.measuredAtPeriodEnd === true && awaitingFinal,
      lastAsOf: lastAsOfOf(frame),
    }),
  };
};

/**
 * Combines the versions in force (one per place) into the metric's city figure, with the kind's
 * own rules. `late`: the metric was not met on its due day (the caller knows; see takeSnapshot).
 */
export const metricFigure = (
  frame: PlanFrame,
  target: TargetSetData,
  versions: readonly FigureVersion[],
  date: string,
  late = false,
): MetricFigure => {
  const required = requiredPlaces(frame, target.metric);
  const scope = new Set(target.metric.level === 'city' ? required : bottomPlaces(frame).map((p) => p.id));
  const inScope = versions.filter((v) => scope.has(v.place));
  const figures: PlaceFigure[] = inScope.map((v) => ({ place: v.place, figure: v.figure }));
  const rolled = rollUp(target.target, figures, required);
  const expected = reportingPlaces(frame, target.metric);
  const coverage = { reported: new Set(inScope.map((v) => v.place)).size, expected: expected.length };
  // A share or rate of the city is known only once every place has given its numerator and
  // denominator: one district's 61/112 is not the city's coverage. Sums may be met early.
  const judged = judge(
    frame,
    target,
    { target: target.target, baseline: target.metric.baseline, expected: coverage.expected },
    inScope,
    rolled,
    figures,
    required,
    date,
    late,
  );
  return { target, versions: inScope, required, rolled, coverage, due: dueOf(frame, target), ...judged };
};
