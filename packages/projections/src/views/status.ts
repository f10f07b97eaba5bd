import type { Dec } from '@minsheng/core';
import { dec } from '@minsheng/core';

/**
 * `reported` is only used in the district view, for a district's part of a city-wide sum:
 * it has no target of its own to be judged against.
 */
export type Status = 'not started' | 'on track' | 'behind' | 'complete' | 'missed' | 'reported';

/**
 * How far behind the pro-rated schedule (序时进度) a metric may be and still be "on track",
 * in percentage points of its target.
 */
export const ON_TRACK_TOLERANCE_POINTS = 10;

const DAY = 24 * 3600 * 1000;
const days = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/**
 * The share of the target the schedule expects by the end of `date`: days elapsed over
 * days from the period's start to the completion deadline, both ends inclusive, capped at 100.
 */
export const scheduledPercent = (date: string, periodStart: string, due: string): number => {
  const total = days(periodStart, due) + 1;
  const elapsed = days(periodStart, date) + 1;
  if (elapsed <= 0) return 0;
  return Math.min(100, (elapsed / total) * 100);
};

export interface StatusInput {
  readonly met: boolean;
  readonly percent: Dec | null;
  readonly hasFigure: boolean;
  /** The view's date (YYYY-MM-DD). */
  readonly date: string;
  readonly periodStart: string;
  /** The completion deadline's due day; undefined when none applies. */
  readonly due: string | undefined;
  /** Ceilings are judged by the latest measurement, not pro-rated. */
  readonly ceiling: boolean;
}

/**
 * complete: the target is met. missed: the completion deadline's day has passed and it
 * is not met. not started: no figure yet. on track: percent of target ≥ scheduled
 * percent − 10 points (a ceiling not yet met is behind). behind: otherwise.
 */
export const statusOf = (s: StatusInput): Status => {
  if (s.met) return 'complete';
  if (s.due !== undefined && s.date > s.due) return 'missed';
  if (!s.hasFigure || s.percent === null) return 'not started';
  if (s.ceiling) return 'behind';
  const scheduled = s.due === undefined ? 0 : scheduledPercent(s.date, s.periodStart, s.due);
  return s.percent.gte(dec(scheduled).minus(ON_TRACK_TOLERANCE_POINTS)) ? 'on track' : 'behind';
};
