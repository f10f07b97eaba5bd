import type { Schedule } from '@minsheng/core';

const DAY = 24 * 3600 * 1000;
const days = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/** Linear from the start of `from` to the end of `to`, both inclusive, as a percent capped to [0, 100]. */
const linear = (date: string, from: string, to: string): number => {
  const total = days(from, to) + 1;
  const elapsed = days(from, date) + 1;
  if (elapsed <= 0) return 0;
  return Math.min(100, (elapsed / total) * 100);
};

/**
 * The share of the way from baseline to target the schedule expects by the end of `date`
 * (序时进度), by the metric's profile:
 * - linear (default): days elapsed over days from the period's start to the due day;
 * - season: nothing before the season starts, linear through it, all by its end (or the due day, if earlier);
 * - periodEnd: nothing before the due day, all on it;
 * - points: straight lines between the plan's points, from 0 at the period's start to 100 on the due day.
 */
export const scheduledPercent = (
  date: string,
  periodStart: string,
  due: string,
  schedule: Schedule = { profile: 'linear' },
): number => {
  switch (schedule.profile) {
    case 'linear':
      return linear(date, periodStart, due);
    case 'season': {
      const end = schedule.end < due ? schedule.end : due;
      return date < schedule.start ? 0 : linear(date, schedule.start, end);
    }
    case 'periodEnd':
      return date >= due ? 100 : 0;
    case 'points': {
      const before = days(periodStart, periodStart) - 1;
      const pts = [
        { at: before, percent: 0 },
        ...schedule.points.map((p) => ({ at: days(periodStart, p.date), percent: Number(p.percent) })),
        { at: days(periodStart, due), percent: 100 },
      ];
      const at = days(periodStart, date);
      if (at <= before) return 0;
      for (let i = 1; i < pts.length; i++) {
        const [a, b] = [pts[i - 1]!, pts[i]!];
        if (at <= b.at) return b.at === a.at ? b.percent : a.percent + ((b.percent - a.percent) * (at - a.at)) / (b.at - a.at);
      }
      return 100;
    }
  }
};
