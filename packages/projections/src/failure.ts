import type { LedgerError, ReasonCode, ReasonFields } from '@minsheng/core';
import { invalidArgument, type ReadError } from '@minsheng/event-store';
import { InvalidMomentError, NoPlanError } from './views/snapshot';
import { UnknownFigureError } from './audit/trail';
import { ProjectionError, ReadModelMismatch } from './read-model-check';

/*
 * The error rule of this package (docs/concepts.md, "Errors"): what a user calls returns an
 * Either (pure: auditTrail) or a TaskEither (I/O: catchUpReadModel, rebuildReadModel,
 * takeSnapshot) whose Left is one of the tagged values below. Inside, the runner's steps throw
 * the Error classes of read-model-check.ts and views/; they become tagged values here, once.
 * The tags and shapes are the ledger's own (LedgerFailure), so a ledger passes them on as they are.
 */

/** A read model could not be brought up to date or queried (its engine failed). */
export interface ProjectionFailed {
  readonly _tag: 'ProjectionFailed';
  readonly message: string;
}

/** The read model applied events the log no longer holds (see checkReadModel): rebuild it. */
export interface ReadModelMismatchFailure {
  readonly _tag: 'ReadModelMismatch';
  readonly checkpoint: number;
  readonly head: number;
  readonly code: ReasonCode;
  readonly fields: ReasonFields;
  readonly message: string;
}

/** Why a catch-up or a rebuild failed: the store's own error when reading the log failed (a BrokenChain stays one). */
export type ProjectionFailure = ProjectionFailed | ReadModelMismatchFailure | ReadError;

type Refusal = Extract<LedgerError, { readonly _tag: 'UnknownPlan' | 'UnknownMetric' | 'InvalidInput' }>;

/** Why a query failed: a question the read model cannot answer (no such plan, metric, moment), or a failure of it. */
export type QueryFailure = ProjectionFailure | Refusal;

/** A thrown projection error as its tagged value (anything else thrown is a ProjectionFailed with its message). */
export const toProjectionFailure = (e: unknown): ProjectionFailure => {
  if (e instanceof ReadModelMismatch) return { _tag: 'ReadModelMismatch', checkpoint: e.checkpoint, head: e.head, code: e.code, fields: e.fields, message: e.message };
  if (e instanceof ProjectionError && e.storeError && e.storeError._tag !== 'StoreUnavailable') return e.storeError;
  // An option out of range (a thread count, a timeout): asking again would be refused again.
  if (e instanceof RangeError) return invalidArgument(e.message);
  return { _tag: 'ProjectionFailed', message: e instanceof Error ? e.message : String(e) };
};

/** A thrown query error as its tagged value: a question that cannot be answered is a refusal, not a failure. */
export const toQueryFailure = (e: unknown): QueryFailure => {
  if (e instanceof NoPlanError) return { _tag: 'UnknownPlan', planId: '', message: e.message, code: e.code, fields: e.fields };
  if (e instanceof UnknownFigureError) return { _tag: 'UnknownMetric', metric: '', message: e.message, code: e.code, fields: e.fields };
  if (e instanceof InvalidMomentError) return { _tag: 'InvalidInput', field: e.field, reason: e.reason, message: `${e.field}: ${e.reason}` };
  return toProjectionFailure(e);
};
