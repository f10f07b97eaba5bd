import type { LedgerError } from '@minsheng/core';
import { toProjectionFailure, toQueryFailure, type ProjectionFailed, type ReadModelMismatchFailure } from '@minsheng/projections';
import type { StoreError } from '@minsheng/event-store';
import type { ClockBehindLedger, ModeRefused } from './mode';
import type { SigningFailure } from './signing-failure';

// A read model that cannot be brought up to date or queried fails as the projections package says
// (its failure values are the ledger's: one definition, passed on as they are).
export type { ProjectionFailed, ReadModelMismatchFailure } from '@minsheng/projections';
/** An event the ledger wrote: its id and global position. */
export interface WrittenEvent {
  readonly eventId: string;
  readonly position: number;
}

/**
 * The events were appended (they are in the log for good), but a later step of the same call
 * failed: bringing the read model up to date, or checking the task's completion. Calling again
 * would record them twice; bring the read model up (a rebuild, or a worker catching up) instead.
 */
export interface WrittenButNotProjected {
  readonly _tag: 'WrittenButNotProjected';
  readonly written: readonly WrittenEvent[];
  /** The step that failed after the append. */
  readonly cause: LedgerFailure;
  readonly message: string;
}

/** Anything a ledger call can fail with: a domain refusal, a store error, or a read-model failure. Each has a one-line message. */
export type LedgerFailure =
  | LedgerError
  | StoreError
  | ProjectionFailed
  | ReadModelMismatchFailure
  | WrittenButNotProjected
  | ModeRefused
  | ClockBehindLedger
  | SigningFailure;

export const writtenButNotProjected =
  (written: readonly WrittenEvent[]) =>
  (cause: LedgerFailure): LedgerFailure =>
    cause._tag === 'WrittenButNotProjected'
      ? cause
      : {
          _tag: 'WrittenButNotProjected',
          written,
          cause,
          message: `${written.length === 1 ? `event ${written[0]!.eventId} was written at position ${written[0]!.position}` : `${written.length} events were written (positions ${written[0]?.position ?? '?'}–${written[written.length - 1]?.position ?? '?'})`}, but the read model was not brought up to date: ${cause.message.split('\n')[0]}`,
        };

/**
 * A projection's exception as a typed failure: the store's own error when a read of the log
 * failed (a BrokenChain stays one, whoever read it), a mismatch of read model and log, or else
 * a read-model failure (projections' toProjectionFailure).
 */
export const projectionFailed = (e: unknown): LedgerFailure => toProjectionFailure(e);

/**
 * A query's exception as a typed failure: a question the ledger cannot answer (no such
 * plan, metric, or a moment before the plan existed) is a refusal, not a read-model failure.
 */
export const queryFailed = (e: unknown): LedgerFailure => toQueryFailure(e);

/**
 * Whether a failure may pass if the same call is made again later: the store or the read model
 * unavailable (a database restarting, a busy file). Anything else (a damaged event, a schema
 * violation, a refusal) gives the same answer however often it is asked.
 */
export const isTransient = (failure: LedgerFailure): boolean => failure._tag === 'StoreUnavailable' || failure._tag === 'ProjectionFailed';
