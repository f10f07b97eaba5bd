import {
  progressDecider,
  progressStream,
  type Figure,
  type PlanFrame,
  type ProgressCommand,
  type TargetSetData,
} from '@minsheng/core';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, resolvePlaceId, resolvePlan, resolveTarget, resolveUnitId, type ActorInput, type LedgerDeps } from './context';
import { figureFrom, type FigureInput } from './figure-input';
import { projectionFailed, type LedgerFailure } from './failure';
import { appendDecided, loadProgress } from './streams';

export interface ReportInput extends ActorInput, FigureInput {
  readonly planId?: string;
  readonly task: number;
  readonly metric: string;
  /** Place id or name (daoli or 道里区). */
  readonly place: string;
  /** Effective date of the cumulative figure, YYYY-MM-DD. */
  readonly asOf: string;
}

export interface CorrectInput extends ActorInput, FigureInput {
  readonly planId?: string;
  /** The report (or an earlier correction of it) to correct. */
  readonly eventId: string;
  readonly reason: string;
  /** A new effective date; default the report's. */
  readonly asOf?: string;
}

export interface RetractInput extends ActorInput {
  readonly planId?: string;
  readonly eventId: string;
  readonly reason: string;
}

export interface Recorded {
  readonly eventId: string;
  readonly stream: string;
  readonly position: number;
  readonly task: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Decides and appends on one (metric, place) stream. A concurrent writer to the same
 * stream makes the append fail with a ConcurrencyError; the command is then decided
 * again on the new state, a few times, so a lost race never loses a report.
 */
const onProgressStream = (
  deps: LedgerDeps,
  frame: PlanFrame,
  target: TargetSetData,
  place: string,
  actor: ActorInput,
  unit: string,
  build: (figure: Figure | null) => ProgressCommand,
  figure: Figure | null,
  attempt = 1,
): TE.TaskEither<LedgerFailure, Recorded> => {
  const stream = progressStream(frame.planId, target.metric.id, place);
  const command = build(figure);
  return pipe(
    loadProgress(deps.store, stream),
    TE.chainW(({ state, revision }) =>
      pipe(
        TE.fromEither(progressDecider.decide(command, state)),
        TE.chainW((events) =>
          appendDecided(deps.store, stream, events, revision, metadataFor(deps.clock, { unit, person: actor.person }, actor), deps.clock),
        ),
      ),
    ),
    TE.map((r) => ({
      eventId: r!.eventIds[r!.eventIds.length - 1]!,
      stream,
      position: r!.result.positions[r!.result.positions.length - 1]!,
      task: target.task.number,
    })),
    TE.orElse((e) =>
      e._tag === 'ConcurrencyError' && attempt < MAX_ATTEMPTS
        ? onProgressStream(deps, frame, target, place, actor, unit, build, figure, attempt + 1)
        : TE.left(e),
    ),
  );
};

export const report = (deps: LedgerDeps, input: ReportInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    resolvePlan(deps, input.planId),
    TE.bindTo('frame'),
    TE.bindW('unit', ({ frame }) => resolveUnitId(frame, input.by)),
    TE.bindW('place', ({ frame }) => resolvePlaceId(frame, input.place)),
    TE.bindW('resolved', ({ frame }) => resolveTarget(deps, frame, input.task, input.metric)),
    TE.bindW('figure', ({ resolved }) => TE.fromEither(figureFrom(resolved.target.target, input))),
    TE.chainW(({ frame, unit, place, resolved, figure }) =>
      onProgressStream(deps, frame, resolved.target, place, input, unit, (f) => ({
        type: 'ReportProgress',
        by: unit,
        place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        asOf: input.asOf,
        figure: f!,
      }), figure),
    ),
  );

/** Finds the stream of a report through the ledger index. */
const locate = (deps: LedgerDeps, eventId: string): TE.TaskEither<LedgerFailure, { task: number; metric: string; place: string; planId: string }> =>
  pipe(
    TE.tryCatch(() => deps.readModel.reader.findReport(eventId), projectionFailed),
    TE.chainW((v) =>
      v
        ? TE.right({ task: v.task, metric: v.metric, place: v.place, planId: v.planId })
        : TE.left<LedgerFailure>({ _tag: 'UnknownEvent', eventId, message: `event ${eventId} is not a progress report or correction in the ledger` }),
    ),
  );

/** Everything a correction or retraction of a stored report acts on: its place, plan, target and the acting unit. */
const aboutReport = (deps: LedgerDeps, eventId: string, by: string) =>
  pipe(
    locate(deps, eventId),
    TE.bindTo('at'),
    TE.bindW('frame', ({ at }) => resolvePlan(deps, at.planId)),
    TE.bindW('unit', ({ frame }) => resolveUnitId(frame, by)),
    TE.bindW('resolved', ({ frame, at }) => resolveTarget(deps, frame, at.task, at.metric)),
  );

export const correct = (deps: LedgerDeps, input: CorrectInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    aboutReport(deps, input.eventId, input.by),
    TE.bindW('figure', ({ resolved }) => TE.fromEither(figureFrom(resolved.target.target, input))),
    TE.chainW(({ at, frame, unit, resolved, figure }) =>
      onProgressStream(deps, frame, resolved.target, at.place, input, unit, (f) => ({
        type: 'CorrectProgress',
        by: unit,
        place: at.place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        corrects: input.eventId,
        figure: f!,
        reason: input.reason,
        ...(input.asOf !== undefined ? { asOf: input.asOf } : {}),
      }), figure),
    ),
  );

export const retract = (deps: LedgerDeps, input: RetractInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    aboutReport(deps, input.eventId, input.by),
    TE.chainW(({ at, frame, unit, resolved }) =>
      onProgressStream(deps, frame, resolved.target, at.place, input, unit, () => ({
        type: 'RetractProgress',
        by: unit,
        place: at.place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        retracts: input.eventId,
        reason: input.reason,
      }), null),
    ),
  );
