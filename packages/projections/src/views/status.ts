import type { Dec, Schedule } from '@minsheng/core';
import { dec } from '@minsheng/core';
import { scheduledPercent } from './schedule';

export { scheduledPercent };

/**
 * The words a supervision officer signs (see docs/concepts.md):
 * - complete / complete (late) / exceeded: the target is met (late: after its deadline;
 *   exceeded: a 左右 target delivered above its band);
 * - on track / behind: progress from the baseline against the schedule;
 * - missed: the deadline passed unmet (for an annual statistic: its period-end figure missed,
 *   or none came by the last as-of date);
 * - not started: expected, nothing reported; not expected: a place the plan gives no part of the target;
 * - provisional: an annual statistic with only figures from before the period's end;
 * - no baseline: a share or rate the plan gives no baseline, so it has no honest pace;
 * - reported: a place's contribution to a city sum, with no target of its own.
 */
export type Status =
  | 'complete'
  | 'complete (late)'
  | 'exceeded'
  | 'on track'
  | 'behind'
  | 'missed'
  | 'not started'
  | 'not expected'
  | 'provisional'
  | 'no baseline'
  | 'reported';

/** How far behind the schedule a metric may be and still be on track, when the plan does not say, in percentage points. */
export const ON_TRACK_TOLERANCE_POINTS = 10;

export interface StatusInput {
  readonly met: boolean;
  /** Met, but only after the deadline. */
  readonly late?: boolean;
  /** A 左右 target over-delivered. */
  readonly exceeded?: boolean;
  /** Percent of the way from the baseline to the target; null when there is no honest pace. */
  readonly percent: Dec | null;
  readonly hasFigure: boolean;
  /** The view's date (YYYY-MM-DD). */
  readonly date: string;
  readonly periodStart: string;
  /** The completion deadline's due day; undefined when none applies. */
  readonly due: string | undefined;
  readonly schedule?: Schedule;
  /** Points behind the schedule still on track; default ON_TRACK_TOLERANCE_POINTS. */
  readonly tolerancePoints?: number;
  /** Ceilings without a baseline are judged by the latest measurement, not pro-rated. */
  readonly ceiling: boolean;
  /** The plan gives the metric a baseline (a ceiling with one is pro-rated like the others). */
  readonly hasBaseline?: boolean;
  /** Measured at period end: the figures in force are all from before it. */
  readonly awaitingFinal?: boolean;
  /** Measured at period end: the last as-of date a period-end figure may come by. */
  readonly lastAsOf?: string;
}

export const statusOf = (s: StatusInput): Status => {
  if (s.met) return s.exceeded ? 'exceeded' : s.late ? 'complete (late)' : 'complete';
  if (s.awaitingFinal) {
    if (s.lastAsOf !== undefined && s.date > s.lastAsOf) return 'missed';
    return s.hasFigure ? 'provisional' : 'not started';
  }
  if (s.due !== undefined && s.date > s.due) return 'missed';
  if (!s.hasFigure) return 'not started';
  if (s.ceiling && !s.hasBaseline) return 'behind';
  if (s.percent === null) return 'no baseline';
  const scheduled = s.due === undefined ? 0 : scheduledPercent(s.date, s.periodStart, s.due, s.schedule);
  return s.percent.gte(dec(scheduled).minus(s.tolerancePoints ?? ON_TRACK_TOLERANCE_POINTS)) ? 'on track' : 'behind';
};
