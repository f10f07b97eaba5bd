import { invalidInput, type LedgerError } from '@minsheng/core';
import { InvalidMomentError, NoPlanError, ProjectionError, ReadModelMismatch, UnknownFigureError } from '@minsheng/projections';
import type { StoreError } from '@minsheng/event-store';

/** A read model could not be brought up to date or queried. */
export interface ProjectionFailed {
  readonly _tag: 'ProjectionFailed';
  readonly message: string;
}

/**
 * The read model applied events the log no longer holds (see checkReadModel): it refuses to
 * serve until rebuilt.
 */
export interface ReadModelMismatchFailure {
  readonly _tag: 'ReadModelMismatch';
  readonly checkpoint: number;
  readonly head: number;
  readonly message: string;
}

/** Anything a ledger call can fail with: a domain refusal, a store error, or a read-model failure. Each has a one-line message. */
export type LedgerFailure = LedgerError | StoreError | ProjectionFailed | ReadModelMismatchFailure;

/**
 * A projection's exception as a typed failure: the store's own error when a read of the log
 * failed (a BrokenChain stays one, whoever read it), a mismatch of read model and log, or else
 * a read-model failure.
 */
export const projectionFailed = (e: unknown): LedgerFailure => {
  if (e instanceof ReadModelMismatch) return { _tag: 'ReadModelMismatch', checkpoint: e.checkpoint, head: e.head, message: e.message };
  if (e instanceof ProjectionError && e.storeError && e.storeError._tag !== 'StoreUnavailable') return e.storeError;
  return { _tag: 'ProjectionFailed', message: e instanceof Error ? e.message : String(e) };
};

/**
 * A query's exception as a typed failure: a question the ledger cannot answer (no such
 * plan, metric, or a moment before the plan existed) is a refusal, not a read-model failure.
 */
export const queryFailed = (e: unknown): LedgerFailure => {
  if (e instanceof NoPlanError) return { _tag: 'UnknownPlan', planId: '', message: e.message };
  if (e instanceof UnknownFigureError) return { _tag: 'UnknownMetric', metric: '', message: e.message };
  if (e instanceof InvalidMomentError) return invalidInput(e.field, e.reason);
  return projectionFailed(e);
};

/**
 * Whether a failure may pass if the same call is made again later: the store or the read model
 * unavailable (a database restarting, a busy file). Anything else (a damaged event, a schema
 * violation, a refusal) gives the same answer however often it is asked.
 */
export const isTransient = (failure: LedgerFailure): boolean => failure._tag === 'StoreUnavailable' || failure._tag === 'ProjectionFailed';
