import { progressDecider, type Metadata, type ProgressCommand, type ProgressState } from '@minsheng/core';
import { ANY, NO_STREAM, concurrencyError, type ExpectedRevision } from '@minsheng/event-store';
import { isLeft, left, type Either } from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerDeps } from './context';
import type { LedgerFailure } from './failure';
import { appendDecided, loadProgress, type Appended, type Seal } from './streams';

/*
 * How a progress command lands on its (metric, place) stream when other writers append to
 * the same stream at once (docs/operations.md, "Concurrent writers").
 */

/**
 * A report depends on no earlier event of its stream (the decider reads nothing of the
 * stream's state for it), so unsigned it is decided on its own and appended at whatever
 * revision the stream has reached: a report never fails because another one landed first.
 * Signed (`signed`), it is checked against the stream's signatures (a signature is accepted
 * once: unit-signature.ts, replayOf), so it is appended at the revision it was checked
 * against and checked again when another writer moved the stream first: two copies of one
 * signed report racing cannot both land.
 */
export const appendReport = (
  deps: LedgerDeps,
  stream: string,
  command: ProgressCommand & { readonly type: 'ReportProgress' },
  metadata: Metadata,
  seal?: Seal,
  signed = false,
): TE.TaskEither<LedgerFailure, Appended | null> =>
  signed
    ? retrying(movedStream(stream), backoff, async () => {
        // The stream as stored, not folded: a report's decision reads nothing of its state.
        const read = await deps.store.readStream(stream)();
        if (isLeft(read)) return read;
        const decided = progressDecider.decide(command, progressDecider.initialState());
        if (isLeft(decided)) return decided;
        const revision = read.right.length ? read.right[read.right.length - 1]!.revision : NO_STREAM;
        return appendDecided(deps.store, stream, decided.right, revision, metadata, deps.clock, seal, read.right)();
      })
    : pipe(
        TE.fromEither(progressDecider.decide(command, progressDecider.initialState())),
        TE.chainW((events) => appendDecided(deps.store, stream, events, ANY, metadata, deps.clock, seal)),
      );

/** Tries of a correction or retraction whose stream keeps moving, and the wait before each retry. */
export const AMEND_ATTEMPTS = 10;
const BACKOFF_FIRST_MS = 5;
const BACKOFF_MAX_MS = 500;

/** The wait before try `attempt + 1`: doubling from 5 ms up to 500 ms, with full jitter so racing writers spread out. */
export const amendBackoffMs = (attempt: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempt - 1)));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before try `n + 1` when a stream moved: amendBackoffMs. */
const backoff = (n: number): Promise<void> => sleep(amendBackoffMs(n));

/** No wait: what moved (the signing record) moves rarely, so trying again at once is the cheapest. */
export const atOnce = (): Promise<void> => Promise.resolve();

/**
 * The progress write path's one retry loop: runs `attempt` (given its try's number) until it
 * succeeds, fails for a reason `again` does not accept, or has run AMEND_ATTEMPTS times; before
 * each new try, `wait`.
 */
export const retrying =
  <A>(again: (e: LedgerFailure) => boolean, wait: (n: number) => Promise<void>, attempt: (n: number) => Promise<Either<LedgerFailure, A>>): TE.TaskEither<LedgerFailure, A> =>
  async () => {
    for (let n = 1; ; n++) {
      const result = await attempt(n);
      if (!isLeft(result) || !again(result.left) || n >= AMEND_ATTEMPTS) return result;
      await wait(n);
    }
  };

/** Whether another writer moved `stream` itself; a conflict on the ledger stream (the append's condition) is its caller's to decide again. */
const movedStream = (stream: string) => (e: LedgerFailure): boolean => e._tag === 'ConcurrencyError' && e.stream === stream;

/** What has amended report `reportId` in `state`: its corrections' ids and whether it is retracted. */
const amendmentsOf = (state: ProgressState, reportId: string): string =>
  JSON.stringify([
    Object.keys(state.corrections)
      .filter((id) => state.corrections[id] === reportId)
      .sort(),
    state.reports[reportId]?.retracted ?? false,
  ]);

/** The report an amendment acts on (a correction's id resolves to its report). */
const reportOf = (state: ProgressState, eventId: string): string | undefined =>
  state.reports[eventId] ? eventId : state.corrections[eventId];

const changedUnder = (
  stream: string,
  read: ExpectedRevision,
  now: ExpectedRevision,
  reportId: string,
  kind: 'correction' | 'retraction',
): LedgerFailure => ({
  ...concurrencyError(stream, read, typeof now === 'number' ? now : NO_STREAM),
  message:
    `report ${reportId} was corrected or retracted by another writer while this ${kind} was being recorded; ` +
    `nothing was written: look at the report again before amending it`,
});

/**
 * A correction or a retraction depends on its report as stored: it is decided on the stream
 * as read and appended at that revision. If another writer moved the stream first, it waits
 * (amendBackoffMs) and is decided again on the new state, up to AMEND_ATTEMPTS times. It fails
 * at once when the events that came meanwhile corrected or retracted the same report: what it
 * amends is then no longer what its writer saw. Other events of the stream (reports, amendments
 * of other reports) are no reason to fail.
 */
export const appendAmendment = (
  deps: LedgerDeps,
  stream: string,
  command: ProgressCommand & { readonly type: 'CorrectProgress' | 'RetractProgress' },
  metadata: Metadata,
  seal?: Seal,
): TE.TaskEither<LedgerFailure, Appended | null> => {
  const amends = command.type === 'CorrectProgress' ? command.corrects : command.retracts;
  const kind = command.type === 'CorrectProgress' ? 'correction' : 'retraction';
  let first: { revision: ExpectedRevision; reportId: string; amendments: string } | undefined;
  return retrying(movedStream(stream), backoff, async () => {
    const loaded = await loadProgress(deps.store, stream)();
    if (isLeft(loaded)) return loaded;
    const { state, revision, events } = loaded.right;
    const reportId = reportOf(state, amends);
    if (first === undefined) {
      if (reportId !== undefined) first = { revision, reportId, amendments: amendmentsOf(state, reportId) };
    } else if (amendmentsOf(state, first.reportId) !== first.amendments) {
      return left(changedUnder(stream, first.revision, revision, first.reportId, kind));
    }
    const decided = progressDecider.decide(command, state);
    if (isLeft(decided)) return decided;
    return appendDecided(deps.store, stream, decided.right, revision, metadata, deps.clock, seal, events)();
  });
};
