import { LEDGER_STREAM, progressStream, taskStream, type LedgerEventData, type PlanFrame, type StoredEvent, type TargetSetData } from '@minsheng/core';
import { targetText, type AuditEvidence, type FigureVersion, type Retraction, type TargetRevision, type TrailOutcome } from '@minsheng/projections';
import { figureVersion, indexRows, retraction } from '@minsheng/projections/internal';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { foldStream, inForceAt, type StreamFold } from './audit-folds';
import type { AuditStreams } from './audit-streams';
import type { LedgerDeps } from './context';
import type { LedgerFailure } from './failure';

/** The metric's last target recorded by `knownAt`, from its task's events. */
const targetAt = (events: readonly StoredEvent[], metric: string, knownAt: number): TargetSetData | null => {
  let found: TargetSetData | null = null;
  for (const e of events) {
    if (e.type !== 'TargetSet' || Date.parse(e.metadata.recordedAt) > knownAt) continue;
    const data = e.data as TargetSetData;
    if (data.metric.id === metric) found = data;
  }
  return found;
};

/** Every target of the metric recorded by `knownAt`: the first and each revision, with its document and reason. */
const revisionsAt = (events: readonly StoredEvent[], metric: string, knownAt: number): TargetRevision[] =>
  events.flatMap((e) => {
    if (e.type !== 'TargetSet' || Date.parse(e.metadata.recordedAt) > knownAt) return [];
    const data = e.data as TargetSetData;
    if (data.metric.id !== metric) return [];
    return [
      {
        position: e.position,
        recordedAt: e.metadata.recordedAt,
        target: data.metric.written ?? targetText(data.target),
        document: e.metadata.source?.document ?? null,
        reason: e.metadata.source?.note ?? null,
      },
    ];
  });

/**
 * The metric's outcomes in its task's stream: the completion that names its figure and every
 * deadline it missed, each marked known (recorded by `knownAt`) and effective (dated by `asOf`).
 */
export const outcomesOf = (
  frame: PlanFrame,
  events: readonly StoredEvent[],
  metric: string,
  asOf: string,
  knownAt: number,
  positionOf: (eventId: string) => number | undefined = () => undefined,
): TrailOutcome[] =>
  events.flatMap((e): TrailOutcome[] => {
    const at = { eventId: e.eventId, position: e.position, recordedAt: e.metadata.recordedAt, hash: e.hash, known: Date.parse(e.metadata.recordedAt) <= knownAt };
    if (e.type === 'TaskCompleted') {
      const data = e.data as LedgerEventData<'TaskCompleted'>;
      const figure = data.figures.find((f) => f.metric === metric);
      if (!figure) return [];
      return [{ ...at, type: 'TaskCompleted', on: data.completedOn, deadline: null, value: figure.value, target: figure.target, shortfall: null, events: figure.events, eventPositions: figure.events.map((id) => positionOf(id) ?? null), effective: data.completedOn <= asOf }];
    }
    if (e.type === 'DeadlineMissed') {
      const data = e.data as LedgerEventData<'DeadlineMissed'>;
      if (data.metric !== metric) return [];
      const description = frame.deadlines.find((d) => d.id === data.deadline)?.description ?? null;
      return [
        {
          ...at,
          type: 'DeadlineMissed',
          on: data.due,
          deadline: { id: data.deadline, kind: data.kind, description },
          value: data.value,
          target: data.target,
          shortfall: data.shortfall,
          events: [],
          eventPositions: [],
          effective: data.due <= asOf,
        },
      ];
    }
    return [];
  });

/** The report, correction and retraction rows of progress streams' events, in log order. */
const figureRows = (progress: readonly (readonly StoredEvent[])[]) => {
  const versions: FigureVersion[] = [];
  const retractions: Retraction[] = [];
  const read = progress.flat().sort((a, b) => a.position - b.position);
  for (const e of read) {
    const r = indexRows(e);
    if (r?.table === 'figures') versions.push(figureVersion(r.row));
    else if (r?.table === 'retractions') retractions.push(retraction(r.row));
  }
  return { read, versions, retractions };
};

/**
 * Streams read whole, checked, all at once: a store that gathers the reads of one tick (the
 * PostgreSQL store) answers them with one query, where one after another cost a round trip each.
 */
const readStreams = (deps: LedgerDeps, streams: readonly string[]): TE.TaskEither<LedgerFailure, readonly (readonly StoredEvent[])[]> =>
  TE.sequenceArray(streams.map((stream) => deps.store.readStream(stream)));

/** Every report, correction and retraction of the metric at `places`, from its progress streams (checked reads), in log order. */
export const progressEvidence = (
  deps: LedgerDeps,
  planId: string,
  metric: string,
  places: readonly string[],
): TE.TaskEither<LedgerFailure, { readonly read: readonly StoredEvent[]; readonly versions: FigureVersion[]; readonly retractions: Retraction[] }> =>
  pipe(
    readStreams(deps, places.map((place) => progressStream(planId, metric, place))),
    TE.map(figureRows),
  );

/**
 * The evidence an audit replays from its streams' folds. With `shown` (the read model's versions
 * of the figure), only the reports that matter at the moment: those in force by the events,
 * those the read model counts, each with every correction and retraction. The versions in force
 * over these are the versions in force over all (a report's standing is its own, and each place's
 * winner is among them), so the trail is the one every version would give. `shown` 'all'
 * (a trail with history): every version.
 */
const foldedEvidence = (folds: readonly StreamFold[], shown: readonly FigureVersion[] | 'all', asOf: string, knownAt: number) => {
  const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;
  if (shown === 'all')
    return { versions: folds.flatMap((f) => f.versions).sort(byPosition), retractions: folds.flatMap((f) => f.retractions).sort(byPosition) };
  const reports = new Set<string>();
  for (const f of folds) for (const v of inForceAt(f, asOf, knownAt)) reports.add(v.reportId);
  for (const v of shown) {
    reports.add(v.reportId);
    for (const f of folds) {
      const report = f.reportOf.get(v.eventId);
      if (report !== undefined) reports.add(report);
    }
  }
  const versions: FigureVersion[] = [];
  const retractions: Retraction[] = [];
  for (const f of folds)
    for (const id of reports) {
      versions.push(...(f.versionsOf.get(id) ?? []));
      retractions.push(...(f.retractionsOf.get(id) ?? []));
    }
  return { versions: versions.sort(byPosition), retractions: retractions.sort(byPosition) };
};

/** What an audit read: the evidence, and the task's events it took its target, revisions and outcomes from. */
export interface AuditRead {
  readonly evidence: AuditEvidence;
  readonly taskEvents: readonly StoredEvent[];
  /** The ledger stream's events: its signing record. */
  readonly ledgerEvents: readonly StoredEvent[];
  /** A progress stream read, by name ([] for another). */
  readonly streamOf: (stream: string) => readonly StoredEvent[];
}

/**
 * What an audit replays, read from the event store alone, never from the read model: the
 * metric's target from its task's stream, and the reports, corrections and retractions in the
 * metric's progress streams at the places audited (one stream per place; see foldedEvidence for
 * which), all read at once. Every event comes through a checked read (audit-streams.ts), so its
 * hash and its link to the event before it held when it was read.
 */
export const auditEvidence = (
  read: AuditStreams['read'],
  frame: PlanFrame,
  task: number,
  metric: string,
  places: readonly string[],
  knownAt: number,
  asOf: string,
  shown: readonly FigureVersion[] | 'all',
): TE.TaskEither<LedgerFailure, AuditRead> =>
  pipe(
    // The ledger stream too, for the signing record its signatures are checked against.
    read([LEDGER_STREAM, taskStream(frame.planId, task), ...places.map((place) => progressStream(frame.planId, metric, place))]),
    TE.map(([ledgerEvents = [], taskEvents = [], ...progress]) => {
      const streams = new Map(places.map((place, i) => [progressStream(frame.planId, metric, place), progress[i] ?? []]));
      const folds = progress.map(foldStream);
      const { versions, retractions } = foldedEvidence(folds, shown, asOf, knownAt);
      const positionOf = (id: string) => folds.find((f) => f.positionOf.has(id))?.positionOf.get(id);
      return {
        ledgerEvents,
        taskEvents,
        streamOf: (stream: string) => streams.get(stream) ?? [],
        evidence: {
          target: targetAt(taskEvents, metric, knownAt),
          versions,
          retractions,
          revisions: revisionsAt(taskEvents, metric, knownAt),
          outcomes: outcomesOf(frame, taskEvents, metric, asOf, knownAt, positionOf),
        },
      };
    }),
  );
