import { figureValue, type Figure, type Source } from '@minsheng/core';
import type { ReadModelReader } from '../read-model/rows';
import { metricFigure } from '../views/metric-figure';
import { figureText, percentText, targetText, valueText } from '../views/format';
import type { ViewMoment } from '../views/rows';
import type { Snapshot } from '../views/snapshot';
import type { Status } from '../views/status';
import { inForce } from './replay';

export interface TrailEntry {
  readonly eventId: string;
  readonly position: number;
  readonly type: 'ProgressReported' | 'ProgressCorrected' | 'ProgressRetracted';
  readonly place: string;
  readonly placeName: string;
  readonly asOf: string | null;
  readonly recordedAt: string;
  readonly unit: string | null;
  readonly person: string | null;
  readonly figure: string | null;
  readonly rawFigure: Figure | null;
  /** The figure in the target's unit. */
  readonly value: string | null;
  readonly source: Source | null;
  readonly reason: string | null;
  /** For corrections and retractions: the report they act on. */
  readonly reportId: string;
  readonly hash: string;
  /** Recorded by the moment's knownAt. */
  readonly known: boolean;
  /** One of the figures the shown value is computed from. */
  readonly inForce: boolean;
}

export interface LineageItem {
  readonly place: string;
  readonly placeName: string;
  readonly figure: string;
  readonly value: string | null;
  readonly asOf: string;
  readonly eventId: string;
  readonly reportId: string;
}

export interface AuditTrail extends ViewMoment {
  readonly task: number;
  readonly taskTitle: string;
  readonly metric: string;
  readonly metricName: string;
  readonly kind: string;
  readonly target: string;
  /** The place of the figure: a district, or the city for a rolled-up figure. */
  readonly place: string;
  readonly placeName: string;
  readonly value: string | null;
  readonly percent: string | null;
  readonly met: boolean;
  readonly status: Status;
  /** How the place figures combine into the shown value. */
  readonly rule: string;
  /** The place figures the value adds up (one for a district figure). */
  readonly lineage: readonly LineageItem[];
  /**
   * The events behind the figure in log order: for each figure in force its report, every
   * correction and retraction of it (also those recorded after knownAt, marked not known);
   * with `history`, every report of the metric there.
   */
  readonly entries: readonly TrailEntry[];
  /** The value recomputed by replaying `entries`; `matches` says it equals `value`. */
  readonly replay: { readonly value: string | null; readonly matches: boolean };
}

export class UnknownFigureError extends Error {}

export interface AuditOptions {
  /**
   * Every report of the metric (at the place), superseded ones included. By default the
   * trail holds the events behind the figures in force: each one's report, its
   * corrections and any retraction, known or recorded later.
   */
  readonly history?: boolean;
}

export const auditTrail = async (
  reader: ReadModelReader,
  s: Snapshot,
  task: number,
  metricId: string,
  place?: string,
  options: AuditOptions = {},
): Promise<AuditTrail> => {
  const m = s.metrics.find((x) => x.target.metric.id === metricId);
  if (!m) throw new UnknownFigureError(`metric ${metricId} is not in plan ${s.moment.planId}`);
  if (m.target.task.number !== task) throw new UnknownFigureError(`metric ${metricId} belongs to task ${m.target.task.number}, not task ${task}`);
  const city = s.frame.places.find((p) => p.kind === 'city')!;
  const focus = place === undefined || place === city.id ? null : place;
  if (focus !== null && !s.frame.places.some((p) => p.id === focus))
    throw new UnknownFigureError(`place ${focus} is not a place of plan ${s.moment.planId}`);
  const shownReports = [...new Set(m.versions.filter((v) => focus === null || v.place === focus).map((v) => v.reportId))];
  const { versions, retractions } = options.history
    ? await reader.history(s.moment.planId, metricId, focus)
    : await reader.reports(shownReports);
  const at = { asOf: s.moment.asOf, knownAt: Date.parse(s.moment.knownAt) };
  const replayed = inForce(versions, retractions, at);
  const shownIds = new Set(m.versions.filter((v) => focus === null || v.place === focus).map((v) => v.eventId));
  const pname = (id: string) => s.frame.places.find((p) => p.id === id)?.name ?? id;
  const unitName = (id: string | null) => (id ? s.frame.responsibleUnits.find((u) => u.id === id)?.name ?? id : null);
  const placeOfReport = new Map(versions.filter((v) => v.kind === 'report').map((v) => [v.eventId, v.place]));
  const entries: TrailEntry[] = [
    ...versions.map((v) => ({
      eventId: v.eventId,
      position: v.position,
      type: v.kind === 'report' ? ('ProgressReported' as const) : ('ProgressCorrected' as const),
      place: v.place,
      placeName: pname(v.place),
      asOf: v.asOf,
      recordedAt: new Date(v.recordedAt).toISOString(),
      unit: unitName(v.unit),
      person: v.person,
      figure: figureText(v.figure),
      rawFigure: v.figure,
      value: valueText(figureValue(m.target.target, v.figure)),
      source: v.source,
      reason: v.reason,
      reportId: v.reportId,
      hash: v.hash,
      known: v.recordedAt <= at.knownAt,
      inForce: shownIds.has(v.eventId),
    })),
    ...retractions.map((r) => ({
      eventId: r.eventId,
      position: r.position,
      type: 'ProgressRetracted' as const,
      place: placeOfReport.get(r.reportId) ?? '',
      placeName: pname(placeOfReport.get(r.reportId) ?? ''),
      asOf: null,
      recordedAt: new Date(r.recordedAt).toISOString(),
      unit: unitName(r.unit),
      person: r.person,
      figure: null,
      rawFigure: null,
      value: null,
      source: null,
      reason: r.reason,
      reportId: r.reportId,
      hash: r.hash,
      known: r.recordedAt <= at.knownAt,
      inForce: false,
    })),
  ].sort((a, b) => a.position - b.position);

  // A district's figure is judged as if the metric were that place's alone.
  const scoped = focus === null ? m.target : { ...m.target, metric: { ...m.target.metric, level: 'district' as const, places: [focus] } };
  const shown = focus === null ? m : metricFigure(s.frame, scoped, m.versions.filter((v) => v.place === focus), s.moment.asOf);
  const replayFigure = metricFigure(s.frame, scoped, replayed, s.moment.asOf);
  const value = valueText(shown.rolled.value);
  const replayValue = valueText(replayFigure.rolled.value);
  return {
    ...s.moment,
    task,
    taskTitle: m.target.task.title,
    metric: metricId,
    metricName: m.target.metric.name,
    kind: m.target.target.kind,
    target: m.target.metric.written ?? targetText(m.target.target),
    place: focus ?? city.id,
    placeName: pname(focus ?? city.id),
    value,
    percent: percentText(shown.percent),
    met: shown.met,
    status: focus === null ? m.status : shown.status,
    rule: focus === null ? m.rolled.rule : `the figure reported for ${pname(focus)}`,
    lineage: shown.versions.map((v) => ({
      place: v.place,
      placeName: pname(v.place),
      figure: figureText(v.figure),
      value: valueText(figureValue(m.target.target, v.figure)),
      asOf: v.asOf,
      eventId: v.eventId,
      reportId: v.reportId,
    })),
    entries,
    replay: { value: replayValue, matches: replayValue === value },
  };
};
