import { canonicalJson, cityOf, type ReasonCode, type ReasonFields, figureValue, type Figure, type Source, type TargetSetData } from '@minsheng/core';
import { tryCatch, type Either } from 'fp-ts/Either';
import { toQueryFailure, type QueryFailure } from '../failure';
import type { FigureVersion, Retraction } from '../read-model/rows';
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

/** One target the metric has had (the first, then each revision), with the document that set it and why. */
export interface TargetRevision {
  readonly position: number;
  readonly recordedAt: string;
  /** The target as the plan writes it, or as the ledger states it. */
  readonly target: string;
  readonly document: string | null;
  readonly reason: string | null;
}

/**
 * What the ledger concluded about the metric, from its task's stream: the task's completion
 * naming the metric's figure, and each deadline the metric missed. Listed whenever recorded,
 * marked by the moment's two axes, so a completion recorded after knownAt or dated after
 * asOf is shown as such rather than left out.
 */
export interface TrailOutcome {
  readonly eventId: string;
  readonly position: number;
  readonly type: 'TaskCompleted' | 'DeadlineMissed';
  /** The day it takes effect: the completion's day, or the deadline's due day. */
  readonly on: string;
  readonly recordedAt: string;
  /** For a missed deadline: its id, kind and the plan's description of it. */
  readonly deadline: { readonly id: string; readonly kind: 'completion' | 'report'; readonly description: string | null } | null;
  /** The metric's figure when completed or at the deadline, in the target's unit; null: nothing reported. */
  readonly value: string | null;
  readonly target: string;
  /** For a missed deadline: how far short. */
  readonly shortfall: string | null;
  /** For a completion: the report and correction events the figure was computed from. */
  readonly events: readonly string[];
  /** The log position of each of `events`, null where the audit did not read it (another place's stream). */
  readonly eventPositions: readonly (number | null)[];
  readonly hash: string;
  /** Recorded by the moment's knownAt. */
  readonly known: boolean;
  /** Dated on or before the moment's asOf. */
  readonly effective: boolean;
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
  /** The metric's targets recorded by knownAt, the first and every revision, in log order (from the task's events). */
  readonly revisions: readonly TargetRevision[];
  /** The task's completion naming this metric and the deadlines it missed, in log order (see TrailOutcome). */
  readonly outcomes: readonly TrailOutcome[];
  /**
   * The value recomputed from the events alone (AuditEvidence), independently of the read
   * model; `matches` says it equals `value` and the read model shows no fault.
   */
  readonly replay: { readonly value: string | null; readonly matches: boolean };
  /**
   * Every difference between the read model and the events behind the figure, one sentence
   * each (READ-MODEL FAULT): a figure, date, time or hash a row says differently, an event it
   * counts that the log does not hold or has not in force, one it leaves out, another target.
   * Empty when the read model shows what the events say.
   */
  readonly faults: readonly string[];
}

/**
 * What an audit replays, read from the event store, not the read model: the metric's target
 * (null when the task's events set none by knownAt) and every version and retraction of its
 * figures at the places audited, in log order.
 */
export interface AuditEvidence {
  readonly target: TargetSetData | null;
  readonly versions: readonly FigureVersion[];
  readonly retractions: readonly Retraction[];
  /** The metric's targets recorded by knownAt, in log order; absent: none listed. */
  readonly revisions?: readonly TargetRevision[];
  /** The metric's outcomes from its task's stream, every one recorded, in log order; absent: none listed. */
  readonly outcomes?: readonly TrailOutcome[];
}

/** A figure the plan does not have; `code` and `fields` say why. */
export class UnknownFigureError extends Error {
  constructor(
    message: string,
    readonly code: ReasonCode,
    readonly fields: ReasonFields,
  ) {
    super(message);
  }
}

export interface AuditOptions {
  /**
   * Every report of the metric (at the place), superseded ones included. By default the
   * trail holds the events behind the figures in force: each one's report, its
   * corrections and any retraction, known or recorded later.
   */
  readonly history?: boolean;
}

const FIELDS = ['reportId', 'place', 'asOf', 'recordedAt', 'unit', 'person', 'reason', 'hash'] as const;

/** How the read model's version in force differs from the event it names (none: []). */
const rowFaults = (shown: FigureVersion, event: FigureVersion): string[] => {
  const faults: string[] = [];
  const at = `#${event.position}`;
  if (canonicalJson(shown.figure) !== canonicalJson(event.figure))
    faults.push(`${at}: the read model has the figure ${figureText(shown.figure)}, the event says ${figureText(event.figure)}`);
  for (const f of FIELDS)
    if (shown[f] !== event[f]) faults.push(`${at}: the read model has ${f} ${JSON.stringify(shown[f])}, the event says ${JSON.stringify(event[f])}`);
  return faults;
};

/**
 * The figure as the read model shows it, its lineage, and the events behind it with the figure
 * replayed from them (`evidence`, read from the store). Every difference is a fault. A metric
 * or place the plan does not have is a Left (UnknownMetric), never a throw.
 */
export const auditTrail = (
  s: Snapshot,
  evidence: AuditEvidence,
  task: number,
  metricId: string,
  place?: string,
  options: AuditOptions = {},
): Either<QueryFailure, AuditTrail> => tryCatch(() => buildAuditTrail(s, evidence, task, metricId, place, options), toQueryFailure);

/** auditTrail's work, throwing UnknownFigureError for a metric or place the plan does not have. */
const buildAuditTrail = (
  s: Snapshot,
  evidence: AuditEvidence,
  task: number,
  metricId: string,
  place?: string,
  options: AuditOptions = {},
): AuditTrail => {
  const m = s.metrics.find((x) => x.target.metric.id === metricId);
  if (!m) throw new UnknownFigureError(`metric ${metricId} is not in plan ${s.moment.planId}`, 'metric.unknown', { metric: metricId });
  if (m.target.task.number !== task) throw new UnknownFigureError(`metric ${metricId} belongs to task ${m.target.task.number}, not task ${task}`, 'metric.otherTask', { metric: metricId, owner: m.target.task.number, task });
  const city = cityOf(s.frame);
  const focus = place === undefined || place === city.id ? null : place;
  if (focus !== null && !s.frame.places.some((p) => p.id === focus))
    throw new UnknownFigureError(`place ${focus} is not a place of plan ${s.moment.planId}`, 'place.unknown', { place: focus });
  const inFocus = <T extends { readonly place: string }>(xs: readonly T[]) => xs.filter((v) => focus === null || v.place === focus);
  const at = { asOf: s.moment.asOf, knownAt: Date.parse(s.moment.knownAt) };
  const replayed = inFocus(inForce(evidence.versions, evidence.retractions, at));
  const replayedIds = new Set(replayed.map((v) => v.eventId));
  // The events behind the figures in force, by the events and by the read model: a report either counts is listed.
  const listed = new Set([...replayed, ...inFocus(m.versions)].map((v) => v.reportId));
  const versions = options.history ? inFocus(evidence.versions) : evidence.versions.filter((v) => listed.has(v.reportId));
  const reportPlace = new Map(evidence.versions.filter((v) => v.kind === 'report').map((v) => [v.eventId, v.place]));
  const retractions = evidence.retractions.filter((r) =>
    options.history ? focus === null || reportPlace.get(r.reportId) === focus : listed.has(r.reportId),
  );
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
      inForce: replayedIds.has(v.eventId),
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
  const scope = (t: TargetSetData): TargetSetData =>
    focus === null ? t : { ...t, metric: { ...t.metric, level: 'district' as const, places: [focus] } };
  const shown = focus === null ? m : metricFigure(s.frame, scope(m.target), inFocus(m.versions), s.moment.asOf);
  const replayFigure = metricFigure(s.frame, scope(evidence.target ?? m.target), replayed, s.moment.asOf);
  const value = valueText(shown.rolled.value);
  const replayValue = valueText(replayFigure.rolled.value);

  const faults: string[] = [];
  if (evidence.target === null) faults.push(`the task's events set no target for ${metricId} by this moment; the read model has ${targetText(m.target.target)}`);
  else if (canonicalJson(evidence.target.target) !== canonicalJson(m.target.target))
    faults.push(`the read model has the target ${targetText(m.target.target)}, the task's events set ${targetText(evidence.target.target)}`);
  const byId = new Map(evidence.versions.map((v) => [v.eventId, v]));
  for (const v of shown.versions) {
    const event = byId.get(v.eventId);
    if (!event) faults.push(`the read model counts event ${v.eventId} (position ${v.position}), which is not in the log's events for this figure`);
    else {
      faults.push(...rowFaults(v, event));
      if (!replayedIds.has(v.eventId)) faults.push(`#${event.position}: the read model counts it, but the events do not have it in force at this moment`);
    }
  }
  const shownIds = new Set(shown.versions.map((v) => v.eventId));
  for (const v of replayFigure.versions)
    if (!shownIds.has(v.eventId)) faults.push(`#${v.position}: the events have it in force for ${pname(v.place)}, but the read model leaves it out`);
  if (replayValue !== value) faults.push(`the read model shows ${value ?? 'nothing'}, the events give ${replayValue ?? 'nothing'}`);
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
    revisions: evidence.revisions ?? [],
    outcomes: evidence.outcomes ?? [],
    replay: { value: replayValue, matches: faults.length === 0 },
    faults,
  };
};
