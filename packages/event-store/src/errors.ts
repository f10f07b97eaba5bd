import type { ReasonFields, SchemaViolation } from '@minsheng/core';
import { describeRevision, type CurrentRevision, type ExpectedRevision } from './expected-revision';

/** The stream was not at the expected revision. `actual` is its real current revision. Nothing was written. */
export interface ConcurrencyError {
  readonly _tag: 'ConcurrencyError';
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly actual: CurrentRevision;
  readonly message: string;
}

/** Some events of a batch are stored already and some are not, or an id is stored in another stream. */
export interface IdempotencyConflict {
  readonly _tag: 'IdempotencyConflict';
  readonly stream: string;
  readonly eventId: string;
  readonly message: string;
}

/** The call itself is malformed (an empty batch, a negative revision, a duplicate id in one batch). */
export interface InvalidArgument {
  readonly _tag: 'InvalidArgument';
  readonly message: string;
}

/** A stored event cannot be read back (its JSON is damaged). Names the position. */
export interface CorruptEvent {
  readonly _tag: 'CorruptEvent';
  readonly position: number;
  readonly eventId: string;
  readonly message: string;
}

/**
 * The log's hash chain does not hold at `position`: the event's hash does not match its
 * content, it does not link to the event before it, or positions are not dense. A read that
 * checks the chain returns this instead of the event, so nothing is built on it, and an append
 * refuses to chain onto such a head. Names the first event that fails.
 */
export interface BrokenChain {
  readonly _tag: 'BrokenChain';
  readonly position: number;
  readonly eventId: string;
  readonly reason: string;
  readonly code: 'chain.broken';
  readonly fields: ReasonFields;
  readonly message: string;
}

/** The engine failed (I/O, connection, disk full). */
export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable';
  readonly message: string;
  readonly cause?: unknown;
}

export type AppendError = ConcurrencyError | IdempotencyConflict | InvalidArgument | SchemaViolation | BrokenChain | StoreUnavailable;
export type ReadError = CorruptEvent | InvalidArgument | SchemaViolation | BrokenChain | StoreUnavailable;
export type StoreError = AppendError | ReadError;

export const concurrencyError = (stream: string, expected: ExpectedRevision, actual: CurrentRevision): ConcurrencyError => ({
  _tag: 'ConcurrencyError',
  stream,
  expected,
  actual,
  message: `stream ${stream} expected ${describeRevision(expected)} but is at ${describeRevision(actual)}`,
});

export const idempotencyConflict = (stream: string, eventId: string, why: string): IdempotencyConflict => ({
  _tag: 'IdempotencyConflict',
  stream,
  eventId,
  message: `event ${eventId} in stream ${stream}: ${why}`,
});

export const invalidArgument = (message: string): InvalidArgument => ({ _tag: 'InvalidArgument', message });

export const corruptEvent = (position: number, eventId: string, why: string): CorruptEvent => ({
  _tag: 'CorruptEvent',
  position,
  eventId,
  message: `stored event at position ${position} (${eventId}) cannot be read: ${why}`,
});

export const brokenChain = (position: number, eventId: string, reason: string): BrokenChain => ({
  _tag: 'BrokenChain',
  position,
  eventId,
  reason,
  code: 'chain.broken',
  fields: { position, eventId, reason },
  message: `the log's hash chain is broken at position ${position} (${eventId}): ${reason}`,
});

export const storeUnavailable = (cause: unknown): StoreUnavailable => ({
  _tag: 'StoreUnavailable',
  message: `the event store failed: ${cause instanceof Error ? cause.message : String(cause)}`,
  cause,
});
