import {
  checkActorText,
  LEDGER_STREAM,
  progressStream,
  type PlanFrame,
  type ProgressCommand,
} from '@minsheng/core';
import { isLeft } from 'fp-ts/Either';
import type { EventStore } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, resolvePlaceId, resolvePlan, resolveTarget, resolveUnitId, type ActorInput, type LedgerDeps } from './context';
import { figureFrom, type FigureInput } from './figure-input';
import { projectionFailed, type LedgerFailure } from './failure';
import { appendAmendment, appendReport, atOnce, retrying } from './progress-append';
import { readSigningRecord, type SigningRecord } from './signing-record';
import type { Appended } from './streams';
import { sealProgress } from './unit-signature';

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

/**
 * The store a write decided under `record` appends through: each append is conditioned on the
 * ledger stream still being at the record's revision, checked in the store's write transaction.
 * A report decided unsigned cannot land after a SigningEnabled that came meanwhile (nor a signed
 * one after its key's UnitKeyRevoked); it fails with a ConcurrencyError on the ledger stream.
 */
const underRecord = (store: EventStore, record: SigningRecord): EventStore => {
  const condition = { stream: LEDGER_STREAM, expected: record.revision };
  return { ...store, append: (stream, events, expected) => store.append(stream, events, expected, condition) };
};

/** Whether a write failed because the signing record it was decided under moved: decide it again on the record as it is now. */
const recordMoved = (e: LedgerFailure): boolean => e._tag === 'ConcurrencyError' && e.stream === LEDGER_STREAM;

/**
 * Appends a progress command on its (metric, place) stream: a report at any revision (signed:
 * at the revision its signature was checked against), a correction or retraction decided again while other writers move the stream (progress-append.ts).
 * It is decided under the ledger's signing record as read, and written only while the ledger stream
 * is still there (underRecord): when a key event landed meanwhile, it is decided again on the new
 * record, so a report sealed as unsigned is refused once signing is on, and nothing is written.
 */
const onProgressStream = (deps: LedgerDeps, frame: PlanFrame, actor: ActorInput, command: ProgressCommand): TE.TaskEither<LedgerFailure, Recorded> => {
  const { target } = command.context;
  const stream = progressStream(frame.planId, target.metric.id, command.place);
  const metadata = metadataFor(deps.clock, { unit: command.by, person: actor.person }, actor);
  const decided: TE.TaskEither<LedgerFailure, Appended | null> = pipe(
    // Signed mode is read before every progress write; no write of a report, correction or retraction goes without its seal.
    readSigningRecord(deps.store),
    TE.chainW((record) => {
      const seal = sealProgress(record, target.responsibleUnits, actor.signature, (id) => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id);
      const under = { ...deps, store: underRecord(deps.store, record) };
      return command.type === 'ReportProgress' ? appendReport(under, stream, command, metadata, seal, record.on) : appendAmendment(under, stream, command, metadata, seal);
    }),
  );
  return pipe(
    // Key events are rare and few: the record is read again at once.
    retrying(recordMoved, atOnce, decided),
    TE.map((r) => ({
      eventId: r!.eventIds[r!.eventIds.length - 1]!,
      stream,
      position: r!.result.positions[r!.result.positions.length - 1]!,
      task: target.task.number,
    })),
  );
};

/** The actor's free text (person, source, ids) is checked before anything is read. */
const actorChecked = (input: ActorInput): TE.TaskEither<LedgerFailure, unknown> => TE.fromEither(checkActorText(input));

export const report = (deps: LedgerDeps, input: ReportInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    actorChecked(input),
    TE.chainW(() => resolvePlan(deps, input.planId)),
    TE.bindTo('frame'),
    TE.bindW('unit', ({ frame }) => resolveUnitId(frame, input.by)),
    TE.bindW('place', ({ frame }) => resolvePlaceId(frame, input.place)),
    TE.bindW('resolved', ({ frame }) => resolveTarget(deps, frame, input.task, input.metric)),
    TE.bindW('figure', ({ resolved }) => TE.fromEither(figureFrom(resolved.target.target, input))),
    TE.chainW(({ frame, unit, place, resolved, figure }) =>
      onProgressStream(deps, frame, input, {
        type: 'ReportProgress',
        by: unit,
        place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        asOf: input.asOf,
        figure,
      }),
    ),
  );

/** Finds the stream of a report through the ledger index. */
const locate = (deps: LedgerDeps, eventId: string): TE.TaskEither<LedgerFailure, { task: number; metric: string; place: string; planId: string }> =>
  pipe(
    TE.tryCatch(() => deps.readModel.reader.findReport(eventId), projectionFailed),
    TE.chainW((v) =>
      v
        ? TE.right({ task: v.task, metric: v.metric, place: v.place, planId: v.planId })
        : TE.left<LedgerFailure>({ _tag: 'UnknownEvent', eventId, code: 'event.notReportOrCorrection', fields: { eventId }, message: `event ${eventId} is not a progress report or correction in the ledger` }),
    ),
  );

/** Everything a correction or retraction of a stored report acts on: its place, plan, target and the acting unit. */
const aboutReport = (deps: LedgerDeps, eventId: string, by: string, planId?: string) =>
  pipe(
    locate(deps, eventId),
    // The event names its plan; a plan named beside it must be that one.
    TE.chainW((at) =>
      planId === undefined || planId === at.planId
        ? TE.right(at)
        : TE.left<LedgerFailure>({ _tag: 'UnknownEvent', eventId, code: 'event.otherPlan', fields: { eventId, plan: at.planId, other: planId }, message: `event ${eventId} is a report of plan ${at.planId}, not of plan ${planId}` }),
    ),
    TE.bindTo('at'),
    TE.bindW('frame', ({ at }) => resolvePlan(deps, at.planId)),
    TE.bindW('unit', ({ frame }) => resolveUnitId(frame, by)),
    TE.bindW('resolved', ({ frame, at }) => resolveTarget(deps, frame, at.task, at.metric)),
  );

export const correct = (deps: LedgerDeps, input: CorrectInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    actorChecked(input),
    TE.chainW(() => aboutReport(deps, input.eventId, input.by, input.planId)),
    TE.bindW('figure', ({ resolved }) => TE.fromEither(figureFrom(resolved.target.target, input))),
    TE.chainW(({ at, frame, unit, resolved, figure }) =>
      onProgressStream(deps, frame, input, {
        type: 'CorrectProgress',
        by: unit,
        place: at.place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        corrects: input.eventId,
        figure,
        reason: input.reason,
        ...(input.asOf !== undefined ? { asOf: input.asOf } : {}),
      }),
    ),
  );

export const retract = (deps: LedgerDeps, input: RetractInput): TE.TaskEither<LedgerFailure, Recorded> =>
  pipe(
    actorChecked(input),
    TE.chainW(() => aboutReport(deps, input.eventId, input.by, input.planId)),
    TE.chainW(({ at, frame, unit, resolved }) =>
      onProgressStream(deps, frame, input, {
        type: 'RetractProgress',
        by: unit,
        place: at.place,
        now: deps.clock.now(),
        context: { frame, target: resolved.target },
        retracts: input.eventId,
        reason: input.reason,
      }),
    ),
  );
