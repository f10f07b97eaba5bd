import {
  findPlace,
  findUnit,
  newEventId,
  unknownMetric,
  unknownPlace,
  unknownTask,
  unknownUnit,
  type Clock,
  type Metadata,
  type PlanFrame,
  type Source,
  type TargetSetData,
  type TaskState,
} from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { planFrameAt, type KnownFrame, type ReadModelReader, type ReadModelWriter } from '@minsheng/projections';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { projectionFailed, queryFailed, type LedgerFailure } from './failure';
import { loadFrame, loadTask, type Loaded } from './streams';
import type { SignWith } from './unit-signature';

/** What the ledger is built from. Time is injected: nothing reads the system clock behind its back. */
export interface LedgerDeps {
  readonly store: EventStore;
  readonly readModel: { readonly reader: ReadModelReader; readonly writer: ReadModelWriter };
  readonly clock: Clock;
}

/** Who is acting, and on what evidence. */
export interface ActorInput {
  /** Responsible unit id or name. */
  readonly by: string;
  readonly person?: string;
  readonly source?: Source;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** On a ledger in signed mode: the acting unit's signature of the event's content, or its signer (see unit-signature.ts). */
  readonly signature?: SignWith;
}

export const metadataFor = (clock: Clock, actor: { unit?: string; person?: string; system?: string }, input: Partial<ActorInput> = {}): Metadata => ({
  actor: {
    ...(actor.unit !== undefined ? { unit: actor.unit } : {}),
    ...(actor.person !== undefined ? { person: actor.person } : {}),
    ...(actor.system !== undefined ? { system: actor.system } : {}),
  },
  recordedAt: clock.now().toISOString(),
  correlationId: input.correlationId ?? newEventId(clock.now()),
  ...(input.causationId !== undefined ? { causationId: input.causationId } : {}),
  ...(input.source !== undefined && Object.keys(input.source).length ? { source: input.source } : {}),
});

/** The plan to act on: the one named, or the only one in the ledger. */
export const resolvePlan = (deps: LedgerDeps, planId?: string): TE.TaskEither<LedgerFailure, PlanFrame> =>
  pipe(
    planId !== undefined
      ? TE.right(planId)
      : pipe(
          TE.tryCatch(() => deps.readModel.reader.planIds(), projectionFailed),
          TE.chainW((ids): TE.TaskEither<LedgerFailure, string> =>
            ids.length === 1
              ? TE.right(ids[0]!)
              : TE.left({
                  _tag: 'UnknownPlan',
                  planId: '',
                  code: ids.length ? 'plan.several' : 'plan.none',
                  fields: { plans: ids },
                  message: ids.length ? `the ledger holds several plans (${ids.join(', ')}); name one` : 'the ledger has no plan yet; import one first',
                }),
          ),
        ),
    TE.chainW((id) =>
      pipe(
        loadFrame(deps.store, id),
        TE.chainW((frame) =>
          frame
            ? TE.right(frame)
            : pipe(
                TE.tryCatch(() => deps.readModel.reader.planIds(), projectionFailed),
                TE.chainW((ids) =>
                  TE.left<LedgerFailure>({ _tag: 'UnknownPlan', planId: id, code: 'plan.unknown', fields: { plan: id, plans: ids }, message: `plan ${id} is not in the ledger (plans: ${ids.join(', ') || 'none'})` }),
                ),
              ),
        ),
      ),
    ),
  );

/**
 * The plan frame for a query, from the read model (a query answers from the read model
 * anyway): cheaper than reading and checking the plan's stream on every view.
 */
export const resolveQueryFrame = (deps: LedgerDeps, planId?: string): TE.TaskEither<LedgerFailure, PlanFrame> =>
  pipe(
    resolveQueryFrameAt(deps, planId, deps.clock.now().getTime()),
    TE.map((r) => r.frame),
  );

/**
 * The plan frame for a query as known at `at` (ms), with the read model's record of it (`known`,
 * absent when it came from the plan's stream): a snapshot at a moment up to `at` takes it instead
 * of reading it again (planFrameAt: a named plan's frame is read first).
 */
export const resolveQueryFrameAt = (deps: LedgerDeps, planId: string | undefined, at: number): TE.TaskEither<LedgerFailure, { frame: PlanFrame; known?: KnownFrame }> => {
  const { reader } = deps.readModel;
  return pipe(
    TE.tryCatch(() => planFrameAt(reader, planId, at), queryFailed),
    TE.chainW(({ planId: id, record }) =>
      record
        ? TE.right({ frame: record.data, known: { planId: id, record, readAt: at } })
        : pipe(
            resolvePlan(deps, planId),
            TE.map((frame) => ({ frame })),
          ),
    ),
  );
};

/** The task's stream, and the metric's current target in it. */
export const resolveTarget = (
  deps: LedgerDeps,
  frame: PlanFrame,
  task: number,
  metric: string,
): TE.TaskEither<LedgerFailure, { task: Loaded<TaskState>; target: TargetSetData }> =>
  pipe(
    frame.tasks.some((t) => t.number === task) ? TE.right(undefined) : TE.left<LedgerFailure>(unknownTask(task)),
    TE.chainW(() => loadTask(deps.store, frame.planId, task)),
    TE.chainW((loaded) => {
      const target = loaded.state.targets[metric];
      return target ? TE.right({ task: loaded, target }) : TE.left<LedgerFailure>(unknownMetric(metric, task));
    }),
  );

export const resolvePlaceId = (frame: PlanFrame, place: string): TE.TaskEither<LedgerFailure, string> => {
  const p = findPlace(frame, place);
  return p ? TE.right(p.id) : TE.left(unknownPlace(place));
};

export const resolveUnitId = (frame: PlanFrame, unit: string): TE.TaskEither<LedgerFailure, string> => {
  const u = findUnit(frame, unit);
  return u ? TE.right(u.id) : TE.left(unknownUnit(unit));
};
