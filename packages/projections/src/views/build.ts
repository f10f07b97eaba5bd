import { bottomPlaces, cityOf, figureValue, isMet, percentOfTarget, reportingPlaces, rollUp, decToString, type PlanFrame } from '@minsheng/core';
import type { MetricFigure } from './metric-figure';
import type { UnitViewRow, View, ViewRow } from './rows';
import type { Snapshot } from './snapshot';
import { statusOf } from './status';
import { measureUnit, percentText, targetText, valueText } from './format';

const unitNames = (frame: PlanFrame, ids: readonly string[]): string[] =>
  ids.map((id) => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id);

const placeName = (frame: PlanFrame, id: string): string => frame.places.find((p) => p.id === id)?.name ?? id;

const latestAsOf = (m: MetricFigure): string | null =>
  m.versions.reduce<string | null>((acc, v) => (acc === null || v.asOf > acc ? v.asOf : acc), null);

const cityRow = (s: Snapshot, m: MetricFigure): ViewRow => {
  const city = cityOf(s.frame);
  const t = m.target;
  return {
    task: t.task.number,
    taskTitle: t.task.title,
    metric: t.metric.id,
    metricName: t.metric.name,
    kind: t.target.kind,
    place: city.id,
    placeName: city.name,
    unit: measureUnit(t.target),
    target: t.metric.written ?? targetText(t.target),
    value: valueText(m.rolled.value),
    numerator: m.rolled.numerator ? decToString(m.rolled.numerator) : null,
    denominator: m.rolled.denominator ? decToString(m.rolled.denominator) : null,
    percent: percentText(m.percent),
    scheduled: m.scheduled === null ? null : m.scheduled.toFixed(1),
    met: m.met,
    placesReported: m.coverage.reported,
    placesExpected: m.coverage.expected,
    status: m.status,
    responsibleUnits: unitNames(s.frame, t.responsibleUnits),
    reportedAsOf: latestAsOf(m),
    completionRecorded: s.completed.has(t.task.number),
    deadlinesMissed: s.missed.get(t.metric.id) ?? [],
  };
};

/** City level, one row per task and metric. */
export const viewByTask = (s: Snapshot): View => ({
  ...s.moment,
  by: 'task',
  rows: s.metrics.map((m) => cityRow(s, m)),
});

/**
 * One row per place, task and metric as reported for that place. Shares, rates,
 * milestones and yes/no are judged for the place with the kind's own rule; a district's
 * part of a city-wide sum has no target of its own, so `met` is null, `percent` is its
 * contribution to the city target, and its status is `reported`.
 */
export const viewByDistrict = (s: Snapshot, place?: string): View => {
  // A city under a province: its districts.
  const places = bottomPlaces(s.frame).filter((p) => place === undefined || p.id === place || p.parent === place);
  const rows: ViewRow[] = [];
  for (const p of places)
    for (const m of s.metrics) {
      const t = m.target;
      if (!reportingPlaces(s.frame, t.metric).includes(p.id)) continue;
      const v = m.versions.find((x) => x.place === p.id);
      const base = cityRow(s, m);
      const figures = v ? [{ place: p.id, figure: v.figure }] : [];
      const sums = t.target.kind === 'atLeast' || t.target.kind === 'approximate';
      const rolled = rollUp(t.target, figures, [p.id]);
      const met = sums ? null : isMet(t.target, rolled);
      const percent = percentOfTarget(t.target, rolled, figures, [p.id]);
      rows.push({
        ...base,
        place: p.id,
        placeName: p.name,
        value: valueText(v ? figureValue(t.target, v.figure) : null),
        numerator: v?.figure.kind === 'ratio' ? v.figure.numerator : null,
        denominator: v?.figure.kind === 'ratio' ? v.figure.denominator : null,
        percent: percentText(percent),
        met,
        placesReported: v ? 1 : 0,
        placesExpected: 1,
        status: !v
          ? 'not started'
          : sums
            ? 'reported'
            : statusOf({
                met: met ?? false,
                percent,
                hasFigure: true,
                date: s.moment.asOf,
                periodStart: s.frame.periodStart,
                due: m.due,
                ceiling: t.target.kind === 'ceiling',
              }),
        reportedAsOf: v?.asOf ?? null,
      });
    }
  return { ...s.moment, by: 'district', rows };
};

/** For each responsible unit, the tasks it leads or shares, one row per metric. */
export const viewByUnit = (s: Snapshot, unit?: string): View<UnitViewRow> => {
  const rows: UnitViewRow[] = [];
  for (const u of s.frame.responsibleUnits) {
    if (unit !== undefined && u.id !== unit) continue;
    for (const m of s.metrics) {
      const i = m.target.responsibleUnits.indexOf(u.id);
      if (i < 0) continue;
      rows.push({ ...cityRow(s, m), responsibleUnit: u.name, role: i === 0 ? 'lead' : 'co-responsible' });
    }
  }
  return { ...s.moment, by: 'unit', rows };
};

export { placeName };
