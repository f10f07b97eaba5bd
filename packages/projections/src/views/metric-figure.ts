import {
  bottomPlaces,
  completionDeadline,
  isMet,
  reportingPlaces,
  percentOfTarget,
  requiredPlaces,
  rollUp,
  type Dec,
  type PlaceFigure,
  type PlanFrame,
  type RolledUp,
  type TargetSetData,
} from '@minsheng/core';
import type { FigureVersion } from '../read-model/rows';
import { scheduledPercent, statusOf, type Status } from './status';

/** One metric's city figure at a date: the place figures in force, how they combine, and how it stands. */
export interface MetricFigure {
  readonly target: TargetSetData;
  readonly versions: readonly FigureVersion[];
  readonly required: readonly string[];
  readonly rolled: RolledUp;
  readonly met: boolean;
  /** Places with a figure in force, of the places the metric is reported for. */
  readonly coverage: { readonly reported: number; readonly expected: number };
  readonly percent: Dec | null;
  readonly scheduled: number | null;
  readonly due: string | undefined;
  readonly status: Status;
}

/** Combines the versions in force (one per place) into the metric's city figure, with the kind's own rules. */
export const metricFigure = (
  frame: PlanFrame,
  target: TargetSetData,
  versions: readonly FigureVersion[],
  date: string,
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
  const ratio = target.target.kind === 'share' || target.target.kind === 'rate';
  const met = isMet(target.target, rolled) && (!ratio || coverage.reported >= coverage.expected);
  const percent = percentOfTarget(target.target, rolled, figures, required);
  const due = completionDeadline(frame, target.task)?.due;
  return {
    target,
    versions: inScope,
    required,
    rolled,
    met,
    coverage,
    percent,
    scheduled: due === undefined ? null : scheduledPercent(date, frame.periodStart, due),
    due,
    status: statusOf({
      met,
      percent,
      hasFigure: inScope.length > 0,
      date,
      periodStart: frame.periodStart,
      due,
      ceiling: target.target.kind === 'ceiling',
    }),
  };
};
