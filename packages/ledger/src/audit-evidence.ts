import { progressStream, taskStream, type PlanFrame, type StoredEvent, type TargetSetData } from '@minsheng/core';
import { figureVersion, indexRows, retraction, targetText, type AuditEvidence, type FigureVersion, type Retraction, type TargetRevision } from '@minsheng/projections';
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
 * What an audit replays, read from the event store alone, never from the read model: the
 * metric's target from its task's stream, and every report, correction and retraction in the
 * metric's progress streams at the places audited (one stream per place). Every event comes
 * through a checked read, so its hash and its link to the event before it hold.
 */
export const auditEvidence = (
  deps: LedgerDeps,
  frame: PlanFrame,
  task: number,
  metric: string,
  places: readonly string[],
  knownAt: number,
): TE.TaskEither<LedgerFailure, AuditEvidence> =>
  pipe(
    TE.Do,
    TE.bind('task', () => deps.store.readStream(taskStream(frame.planId, task))),
    TE.bind('progress', () => TE.sequenceSeqArray(places.map((place) => deps.store.readStream(progressStream(frame.planId, metric, place))))),
    TE.map(({ task: taskEvents, progress }) => {
      const versions: FigureVersion[] = [];
      const retractions: Retraction[] = [];
      for (const e of progress.flat().sort((a, b) => a.position - b.position)) {
        const r = indexRows(e);
        if (r?.table === 'figures') versions.push(figureVersion(r.row));
        else if (r?.table === 'retractions') retractions.push(retraction(r.row));
      }
      return { target: targetAt(taskEvents, metric, knownAt), versions, retractions, revisions: revisionsAt(taskEvents, metric, knownAt) };
    }),
  );
