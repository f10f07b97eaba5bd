import {
  checkActorText,
  planDecider,
  planStream,
  progressStream,
  reinterpretations,
  targetRevisionRefused,
  taskDecider,
  taskStream,
  type LedgerEvent,
  type Plan,
  type Reinterpretation,
} from '@minsheng/core';
import type { ExpectedRevision } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import type { LedgerFailure, WrittenEvent } from './failure';
import { envelopes, load, loadFrame, loadProgress } from './streams';

export interface ImportResult {
  readonly planId: string;
  /** Events written: 0 when the same plan was imported before. */
  readonly written: number;
}

/**
 * A revision's papers: the document that revises the plan (its number, e.g. 哈政办发〔2025〕3号)
 * and why. Both are kept in the metadata of every event the import writes (source.document and
 * source.note) and shown beside the revised target in the audit trail. Default: the plan's own document.
 */
export interface ImportOptions {
  readonly document?: string;
  readonly reason?: string;
  /** The system named as the actor (default "plan-import"). */
  readonly importedBy?: string;
}

/** What importPlan wrote: the result, and the events behind it (for a failure after the append). */
export interface ImportWritten extends ImportResult {
  /** The events written, in order (none when nothing changed). */
  readonly events: readonly WrittenEvent[];
}

/** What one stream of the plan needs appended, decided from its current state. */
interface Decided {
  readonly stream: string;
  readonly events: readonly LedgerEvent[];
  readonly expected: ExpectedRevision;
  /** For a task's stream: how its revised targets reinterpret the figures reported under the old ones. */
  readonly reinterpretations: readonly Reinterpretation[];
}

/** Reports of the metric in any of these places that are not retracted, from the progress streams. */
const reportsInForce = (deps: LedgerDeps, planId: string, metric: string, places: readonly string[]): TE.TaskEither<LedgerFailure, number> =>
  pipe(
    places.map((place) => loadProgress(deps.store, progressStream(planId, metric, place))),
    TE.sequenceSeqArray,
    TE.map((streams) => streams.reduce((n, s) => n + Object.values(s.state.reports).filter((r) => !r.retracted).length, 0)),
  );

/**
 * Refuses a revision that reinterprets figures already reported (a target's kind, its unit's
 * base, …: see `reinterpretations`), naming each metric, the old and new, and its reports in
 * force. Such a revision goes through once no report is left under the old target.
 */
const refuseReinterpreting = (deps: LedgerDeps, plan: Plan, decided: readonly Decided[]): TE.TaskEither<LedgerFailure, void> => {
  const changes = decided.flatMap((d) => d.reinterpretations);
  if (!changes.length) return TE.right(undefined);
  return pipe(
    loadFrame(deps.store, plan.id),
    TE.map((frame) => [...new Set([...(frame?.places ?? []), ...plan.places].map((p) => p.id))]),
    TE.chainW((places) =>
      TE.sequenceSeqArray(changes.map((c) => pipe(reportsInForce(deps, plan.id, c.metric, places), TE.map((reports) => ({ ...c, reports }))))),
    ),
    TE.chainW((counted) => {
      const refused = counted.filter((c) => c.reports > 0);
      return refused.length ? TE.left<LedgerFailure>(targetRevisionRefused(refused)) : TE.right(undefined);
    }),
  );
};

/**
 * Publishes the plan's frame and sets every metric's target. Only what changed is
 * written, so importing the same plan twice adds nothing and a revised plan adds
 * the revised targets beside the old ones. Every stream's events are decided first and
 * written in one atomic append: an import stopped part way (killed, a full disk, a lost
 * race on one stream) leaves nothing, never a plan with only some of its tasks. A revision
 * that would reinterpret reports already recorded is refused whole (TargetRevisionRefused).
 */
export const importPlan = (deps: LedgerDeps, plan: Plan, options: ImportOptions = {}): TE.TaskEither<LedgerFailure, ImportWritten> => {
  const source = { document: options.document ?? plan.document, ...(options.reason !== undefined ? { note: options.reason } : {}) };
  const metadata = metadataFor(deps.clock, { system: options.importedBy ?? 'plan-import' }, { source });
  const checked = checkActorText({ source });
  if (checked._tag === 'Left') return TE.left(checked.left);
  const frame: TE.TaskEither<LedgerFailure, Decided> = pipe(
    load(deps.store, planStream(plan.id), planDecider),
    TE.chainW(({ state, revision }) =>
      pipe(
        TE.fromEither(planDecider.decide({ type: 'PublishPlan', plan }, state)),
        TE.map((events) => ({ stream: planStream(plan.id), events, expected: revision, reinterpretations: [] })),
      ),
    ),
  );
  const targets = (task: Plan['tasks'][number]): TE.TaskEither<LedgerFailure, Decided> =>
    pipe(
      load(deps.store, taskStream(plan.id, task.number), taskDecider),
      TE.chainW(({ state, revision }) =>
        pipe(
          TE.fromEither(taskDecider.decide({ type: 'SetTargets', plan, task }, state)),
          TE.map((events) => ({
            stream: taskStream(plan.id, task.number),
            events,
            expected: revision,
            reinterpretations: events.flatMap((e) => {
              const old = e.type === 'TargetSet' ? state.targets[e.data.metric.id] : undefined;
              return old && e.type === 'TargetSet' ? reinterpretations(old, e.data) : [];
            }),
          })),
        ),
      ),
    );
  return pipe(
    [frame, ...plan.tasks.map(targets)],
    TE.sequenceSeqArray,
    TE.chainFirstW((decided) => refuseReinterpreting(deps, plan, decided)),
    TE.chainW((decided) => {
      const batches = decided
        .filter((d) => d.events.length > 0)
        .map((d) => ({ stream: d.stream, events: envelopes(d.events, metadata, deps.clock), expected: d.expected }));
      if (batches.length === 0) return TE.right({ planId: plan.id, written: 0, events: [] });
      return pipe(
        deps.store.appendBatches(batches),
        TE.map((results) => {
          const events = results.flatMap((r, i) => r.positions.map((position, j) => ({ eventId: batches[i]!.events[j]!.eventId, position })));
          return { planId: plan.id, written: events.length, events };
        }),
      );
    }),
  );
};
