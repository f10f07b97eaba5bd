import { bottomPlaces, cityOf, dec, figureValue, reportingPlaces, rollUp, decToString, type PlanFrame, type Target } from '@minsheng/core';
import { judge, latestAsOf, type MetricFigure } from './metric-figure';
import type { UnitViewRow, View, ViewRow } from './rows';
import type { Snapshot } from './snapshot';
import { measureUnit, percentText, targetText, valueText } from './format';

const unitNames = (frame: PlanFrame, ids: readonly string[]): string[] =>
  ids.map((id) => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id);

const placeName = (frame: PlanFrame, id: string): string => frame.places.find((p) => p.id === id)?.name ?? id;

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
    progress: percentText(m.progress),
    scheduled: m.scheduled === null ? null : m.scheduled.toFixed(1),
    baseline: t.metric.baseline?.value ?? null,
    due: m.due ?? null,
    metOn: m.metOn,
    shareOfCity: null,
    met: m.met,
    placesReported: m.coverage.reported,
    placesExpected: m.coverage.expected,
    status: m.status,
    responsibleUnits: unitNames(s.frame, t.responsibleUnits),
    reportedAsOf: latestAsOf(m.versions),
    completionRecorded: s.completed.has(t.task.number),
    completedOn: s.completed.get(t.task.number) ?? null,
    deadlinesMissed: s.missed.get(t.metric.id) ?? [],
  };
};

/** City level, one row per task and metric. */
export const viewByTask = (s: Snapshot): View => ({
  ...s.moment,
  groupBy: 'task',
  by: 'task',
  rows: s.metrics.map((m) => cityRow(s, m)),
});

/**
 * Whether the plan expects a figure from a place: it allocates the place a part of the target,
 * names it among the metric's places, or (a milestone or yes/no with no places named) requires
 * it everywhere. Every other place may report a contribution, but owes none.
 */
const expectedAt = (m: MetricFigure, place: string): boolean => {
  const metric = m.target.metric;
  if (metric.allocation) return metric.allocation.some((a) => a.place === place);
  if (metric.places) return metric.places.includes(place);
  return m.target.target.kind === 'milestone' || m.target.target.kind === 'yesNo';
};

/**
 * One row per place, task and metric the place may report. A place the plan allocates a target
 * to is judged against it (with its own baseline); a named place of a milestone or yes/no is
 * judged by the kind's rule for that place. Any other place has no target of its own: its row
 * shows its figure and, for a sum, its share of the city total, with status `reported` — or
 * `not expected` when it reported nothing. City notes (completion, missed deadlines) appear
 * only on rows judged against a target.
 */
export const viewByDistrict = (s: Snapshot, place?: string): View => {
  // A city under a province: its districts.
  const places = bottomPlaces(s.frame).filter((p) => place === undefined || p.id === place || p.parent === place);
  const rows: ViewRow[] = [];
  // What depends on the metric alone is worked out once, not once a place (18 places a metric
  // on the Harbin plan: the city row alone was a fifth of the view's time).
  const perMetric = s.metrics.map((m) => ({
    m,
    base: cityRow(s, m),
    reporting: new Set(reportingPlaces(s.frame, m.target.metric)),
    versions: new Map(m.versions.map((v) => [v.place, v] as const).reverse()),
  }));
  for (const p of places)
    for (const { m, base, reporting, versions } of perMetric) {
      const t = m.target;
      if (!reporting.has(p.id)) continue;
      const v = versions.get(p.id);
      const figures = v ? [{ place: p.id, figure: v.figure }] : [];
      const value = v ? figureValue(t.target, v.figure) : null;
      const allocation = t.metric.allocation?.find((a) => a.place === p.id);
      const own: Target | null = allocation
        ? ({ ...t.target, value: allocation.value } as Target)
        : t.target.kind === 'milestone' || t.target.kind === 'yesNo'
          ? t.target
          : null;
      const expected = expectedAt(m, p.id);
      const figure = {
        place: p.id,
        placeName: p.name,
        value: valueText(value),
        numerator: v?.figure.kind === 'ratio' ? v.figure.numerator : null,
        denominator: v?.figure.kind === 'ratio' ? v.figure.denominator : null,
        placesReported: v ? 1 : 0,
        placesExpected: expected ? 1 : 0,
        reportedAsOf: v?.asOf ?? null,
      };
      if (own && expected) {
        const rolled = rollUp(own, figures, [p.id]);
        const j = judge(s.frame, t, { target: own, baseline: allocation ? allocation.baseline : undefined, expected: 1 }, v ? [v] : [], rolled, figures, [p.id], s.moment.asOf);
        rows.push({
          ...base,
          ...figure,
          target: allocation ? targetText(own) : base.target,
          percent: percentText(j.percent),
          progress: percentText(j.progress),
          scheduled: j.scheduled === null ? null : j.scheduled.toFixed(1),
          baseline: allocation?.baseline?.value ?? null,
          metOn: j.metOn,
          met: j.met,
          status: j.status,
        });
        continue;
      }
      const sums = t.target.kind === 'atLeast' || t.target.kind === 'approximate';
      const city = m.rolled.value;
      rows.push({
        ...base,
        ...figure,
        percent: null,
        progress: null,
        scheduled: null,
        baseline: null,
        metOn: null,
        shareOfCity: sums && value !== null && city !== null && !city.isZero() ? percentText(value.dividedBy(city).times(dec(100))) : null,
        met: null,
        status: v ? 'reported' : expected ? 'not started' : 'not expected',
        completionRecorded: false,
        completedOn: null,
        deadlinesMissed: [],
      });
    }
  return { ...s.moment, groupBy: 'district', by: 'district', rows };
};

/** For each responsible unit, the metrics whose duty it leads or shares, one row per metric. */
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
  return { ...s.moment, groupBy: 'unit', by: 'unit', rows };
};

export { placeName };
