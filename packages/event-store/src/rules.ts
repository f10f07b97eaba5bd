import type { EventEnvelope, EventRegistry, SchemaViolation } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';
import { concurrencyError, idempotencyConflict, invalidArgument, type ConcurrencyError, type IdempotencyConflict, type InvalidArgument } from './errors';
import { isExpectedRevision, satisfies, type CurrentRevision, type ExpectedRevision } from './expected-revision';
import type { AppendBatch, AppendCondition, AppendResult, ReadAllOptions, ReadStreamOptions } from './port';
import { encodeEvent, type EncodedEvent } from './stored-row';
import { checkLogFilter, type LogFilter } from './log-filter';

/*
 * The checks every adapter makes in the same order, so they refuse the same calls with
 * the same errors: call shape (InvalidArgument), schema (SchemaViolation), then, inside
 * the write lock, idempotency (IdempotencyConflict) and the expected revision
 * (ConcurrencyError). A refused append writes nothing.
 */

const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Stream names are keys in every engine: well-formed Unicode without control characters. */
export const checkStreamName = (stream: unknown): Either<InvalidArgument, string> =>
  typeof stream !== 'string' || stream.length === 0
    ? left(invalidArgument('a stream name must be a non-empty string'))
    : CONTROL_OR_LONE_SURROGATE.test(stream)
      ? left(invalidArgument(`stream name ${JSON.stringify(stream)} contains a control character or a lone surrogate`))
      : right(stream);

const isPositiveInteger = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export const checkAppendArgs = (
  stream: string,
  events: readonly EventEnvelope[],
  expected: ExpectedRevision,
): Either<InvalidArgument, void> => {
  const name = checkStreamName(stream);
  if (name._tag === 'Left') return name;
  if (!isExpectedRevision(expected))
    return left(invalidArgument(`expected revision ${JSON.stringify(expected)} is not no_stream, stream_exists, any or a revision ≥ 0`));
  if (!Array.isArray(events) || events.length === 0) return left(invalidArgument(`an append to ${stream} needs at least one event`));
  const seen = new Set<string>();
  for (const [i, e] of events.entries()) {
    if (typeof e?.eventId !== 'string' || e.eventId.length === 0) return left(invalidArgument(`event ${i} of the batch has no event id`));
    if (typeof e.type !== 'string' || e.type.length === 0) return left(invalidArgument(`event ${e.eventId} has no type`));
    if (!isPositiveInteger(e.schemaVersion))
      return left(invalidArgument(`event ${e.eventId} has schema version ${String(e.schemaVersion)}; versions are integers ≥ 1`));
    if (seen.has(e.eventId)) return left(invalidArgument(`event id ${e.eventId} appears twice in one batch`));
    seen.add(e.eventId);
  }
  return right(undefined);
};

/** Checks every event of a batch as a new event; the first violation refuses the whole batch. */
export const checkBatchSchema = (
  registry: EventRegistry,
  events: readonly EventEnvelope[],
): Either<SchemaViolation, readonly EventEnvelope[]> => {
  const checked: EventEnvelope[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const r = registry.checkNew(events[i]!);
    if (r._tag === 'Left') return r;
    checked[i] = r.right;
  }
  return right(checked);
};

/**
 * Everything an adapter checks before taking its write lock: the call's shape, then each
 * event's schema; returns the events as canonical text, ready to chain and store.
 */
export const prepareAppend = (
  registry: EventRegistry,
  stream: string,
  events: readonly EventEnvelope[],
  expected: ExpectedRevision,
  condition?: AppendCondition,
): Either<InvalidArgument | SchemaViolation, readonly EncodedEvent[]> => {
  const args = checkAppendArgs(stream, events, expected);
  if (args._tag === 'Left') return args;
  if (condition !== undefined) {
    const name = checkStreamName(condition.stream);
    if (name._tag === 'Left') return left(invalidArgument(`the append's condition: ${name.left.message}`));
    if (!isExpectedRevision(condition.expected))
      return left(invalidArgument(`the append's condition on ${condition.stream}: expected revision ${JSON.stringify(condition.expected)} is not no_stream, stream_exists, any or a revision ≥ 0`));
  }
  const checked = checkBatchSchema(registry, events);
  if (checked._tag === 'Left') return checked;
  return right(checked.right.map(encodeEvent));
};

/** A batch of a multi-stream append, checked and serialised. */
export interface PreparedBatch {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expected: ExpectedRevision;
}

/**
 * prepareAppend for every batch of a multi-stream append, and the checks across batches:
 * at least one batch, each stream in one batch, each event id once in the whole call.
 */
export const prepareBatches = (
  registry: EventRegistry,
  batches: readonly AppendBatch[],
): Either<InvalidArgument | SchemaViolation, readonly PreparedBatch[]> => {
  if (!Array.isArray(batches) || batches.length === 0) return left(invalidArgument('a multi-stream append needs at least one batch'));
  const streams = new Set<string>();
  const ids = new Set<string>();
  const prepared: PreparedBatch[] = [];
  for (const [i, b] of batches.entries()) {
    if (typeof b !== 'object' || b === null) return left(invalidArgument(`batch ${i} is not a { stream, events, expected } object`));
    const events = prepareAppend(registry, b.stream, b.events, b.expected);
    if (events._tag === 'Left') return events;
    if (streams.has(b.stream)) return left(invalidArgument(`stream ${JSON.stringify(b.stream)} appears in two batches; put its events in one batch`));
    streams.add(b.stream);
    for (const e of events.right) {
      if (ids.has(e.eventId)) return left(invalidArgument(`event id ${e.eventId} appears in two batches`));
      ids.add(e.eventId);
    }
    prepared.push({ stream: b.stream, events: events.right, expected: b.expected });
  }
  return right(prepared);
};

/** An append's condition against its stream's current revision, checked in the write transaction: null when it holds. */
export const conditionRefused = (condition: AppendCondition | undefined, actual: (stream: string) => CurrentRevision): ConcurrencyError | null => {
  if (condition === undefined) return null;
  const now = actual(condition.stream);
  return satisfies(condition.expected, now) ? null : concurrencyError(condition.stream, condition.expected, now);
};

/** Where an event id is stored already. */
export interface StoredAt {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/**
 * Decides a batch whose ids may be stored already. None stored: `null`, append as usual.
 * All stored in this stream: the original result (same positions, same last revision),
 * whatever the expected revision says now, so a retried request is a no-op. Anything
 * in between is an IdempotencyConflict: retries must resend the same batch.
 */
export const replayIfStored = (
  stream: string,
  events: readonly { readonly eventId: string }[],
  found: ReadonlyMap<string, StoredAt>,
): Either<IdempotencyConflict, AppendResult | null> => {
  if (found.size === 0) return right(null);
  for (const at of found.values())
    if (at.stream !== stream) return left(idempotencyConflict(stream, at.eventId, `it is stored already in stream ${at.stream}`));
  if (found.size !== events.length) {
    const missing = events.find((e) => !found.has(e.eventId))!;
    return left(
      idempotencyConflict(
        stream,
        missing.eventId,
        `${found.size} of the batch's ${events.length} events are stored already and this one is not; a retry must resend the same batch`,
      ),
    );
  }
  const at = events.map((e) => found.get(e.eventId)!);
  return right({
    stream,
    nextRevision: Math.max(...at.map((a) => a.revision)),
    positions: at.map((a) => a.position),
    alreadyStored: true,
  });
};

export interface StreamRange {
  readonly direction: 'forward' | 'backward';
  /** Inclusive; undefined backward means "from the last event". */
  readonly fromRevision: number | undefined;
  /** Undefined: no limit. */
  readonly maxCount: number | undefined;
  readonly raw: boolean;
}

export const checkStreamRange = (options: ReadStreamOptions = {}): Either<InvalidArgument, StreamRange> => {
  const { direction = 'forward', fromRevision, maxCount, raw = false } = options;
  if (direction !== 'forward' && direction !== 'backward') return left(invalidArgument(`direction must be forward or backward, not ${String(direction)}`));
  if (fromRevision !== undefined && !isCount(fromRevision)) return left(invalidArgument(`fromRevision must be an integer ≥ 0, not ${String(fromRevision)}`));
  if (maxCount !== undefined && !isPositiveInteger(maxCount)) return left(invalidArgument(`maxCount must be an integer ≥ 1, not ${String(maxCount)}`));
  return right({ direction, fromRevision, maxCount, raw });
};

export interface LogRange {
  readonly fromPosition: number;
  /** Undefined: to the head. */
  readonly toPosition: number | undefined;
  readonly maxCount: number | undefined;
  readonly raw: boolean;
  /** Undefined: every event (see log-filter.ts). */
  readonly filter: LogFilter | undefined;
}

export const checkLogRange = (options: ReadAllOptions = {}): Either<InvalidArgument, LogRange> => {
  const { fromPosition = 0, toPosition, maxCount, raw = false } = options;
  if (!isCount(fromPosition)) return left(invalidArgument(`fromPosition must be an integer ≥ 0, not ${String(fromPosition)}`));
  if (toPosition !== undefined && !isCount(toPosition)) return left(invalidArgument(`toPosition must be an integer ≥ 0, not ${String(toPosition)}`));
  if (maxCount !== undefined && !isPositiveInteger(maxCount)) return left(invalidArgument(`maxCount must be an integer ≥ 1, not ${String(maxCount)}`));
  const filter = checkLogFilter(options);
  if (filter._tag === 'Left') return filter;
  return right({ fromPosition, toPosition, maxCount, raw, filter: filter.right });
};
