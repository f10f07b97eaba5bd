import { progressStream, taskStream, type LedgerEventData, type PlanFrame, type StoredEvent, type TargetSetData } from '@minsheng/core';
import { targetText, type AuditEvidence, type FigureVersion, type Retraction, type TargetRevision, type TrailOutcome } from '@minsheng/projections';
import { figureVersion, indexRows, retraction } from '@minsheng/projections/internal';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
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
  positionOf: ReadonlyMap<string, number> = new Map(),
): TrailOutcome[] =>
  events.flatMap((e): TrailOutcome[] => {
    const at = { eventId: e.eventId, position: e.position, recordedAt: e.metadata.recordedAt, hash: e.hash, known: Date.parse(e.metadata.recordedAt) <= knownAt };
    if (e.type === 'TaskCompleted') {
      const data = e.data as LedgerEventData<'TaskCompleted'>;
      const figure = data.figures.find((f) => f.metric === metric);
      if (!figure) return [];
      return [{ ...at, type: 'TaskCompleted', on: data.completedOn, deadline: null, value: figure.value, target: figure.target, shortfall: null, events: figure.events, eventPositions: figure.events.map((id) => positionOf.get(id) ?? null), effective: data.completedOn <= asOf }];
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
 * What an audit replays, read from the event store alone, never from the read model: the
 * metric's target from its task's stream, and every report, correction and retraction in the
 * metric's progress streams at the places audited (one stream per place), all read at once.
 * Every event comes through a checked read, so its hash and its link to the event before it hold.
 */
export const auditEvidence = (
  deps: LedgerDeps,
  frame: PlanFrame,
  task: number,
  metric: string,
  places: readonly string[],
  knownAt: number,
  asOf: string,
): TE.TaskEither<LedgerFailure, AuditEvidence> =>
  pipe(
    readStreams(deps, [taskStream(frame.planId, task), ...places.map((place) => progressStream(frame.planId, metric, place))]),
    TE.map(([taskEvents = [], ...progress]) => {
      const { read, versions, retractions } = figureRows(progress);
      return {
        target: targetAt(taskEvents, metric, knownAt),
        versions,
        retractions,
        revisions: revisionsAt(taskEvents, metric, knownAt),
        outcomes: outcomesOf(frame, taskEvents, metric, asOf, knownAt, new Map(read.map((e) => [e.eventId, e.position]))),
      };
    }),
  );
