import type { EventEnvelope, StoredEvent } from '@minsheng/core';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { AppendError, ReadError } from './errors';
import type { CurrentRevision, ExpectedRevision } from './expected-revision';
import type { StoredTree } from './log-tree';

export interface AppendResult {
  readonly stream: string;
  /**
   * Revision of the stream's last event after the append. For a repeated append
   * (alreadyStored) it is the revision of the batch's last event as first stored,
   * so a retry gets exactly the result the original call got.
   */
  readonly nextRevision: number;
  /** Global positions of the appended events, in order (the original ones for a repeated append). */
  readonly positions: readonly number[];
  /** True when every event was stored already and nothing was written. */
  readonly alreadyStored: boolean;
}

/**
 * Another stream that must be at `expected` when an append is written: checked with the
 * append's own revision, inside its transaction (under the write lock), so an append decided on
 * what that stream held (a report on the ledger's signing record) is not written once it moved.
 * Refused with a ConcurrencyError naming that stream; nothing is written.
 */
export interface AppendCondition {
  readonly stream: string;
  readonly expected: ExpectedRevision;
}

/** One stream's part of a multi-stream append: its events and the revision it is expected at. */
export interface AppendBatch {
  readonly stream: string;
  readonly events: readonly EventEnvelope[];
  readonly expected: ExpectedRevision;
}

export interface ReadStreamOptions {
  readonly direction?: 'forward' | 'backward';
  /** Inclusive. Forward default 0; backward default the last revision. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /**
   * Return events exactly as stored: no upcasting, no schema check, no chain check. For hash
   * verification and proofs. Otherwise each event's hash and its link to the event before it
   * are checked as it is read (checked-log.ts): a BrokenChain names the first that fails.
   */
  readonly raw?: boolean;
}

/** Options of readEvent. */
export interface ReadEventOptions {
  /** Return the event exactly as stored: no upcasting, no schema check, no check of its hash and link. */
  readonly raw?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this. Default 0 (from the start). */
  readonly fromPosition?: number;
  /** Inclusive: events with a position at most this. Default: to the head. */
  readonly toPosition?: number;
  /** With a filter, counts the events that match. */
  readonly maxCount?: number;
  /**
   * Only events of these types, in the store's query where the engine allows it (see
   * log-filter.ts). A filtered page is not dense: each event is checked against the event before
   * it in the log, as readStream checks. A reader that must know how far it looked (a projection's
   * checkpoint) bounds the read with toPosition: every position up to it was scanned.
   */
  readonly eventTypes?: readonly string[];
  /** Only events of streams whose name starts with this (taken literally: % and _ are no wildcards). */
  readonly streamPrefix?: string;
  /**
   * Return events exactly as stored: no upcasting, no schema check, no chain check. For hash
   * verification. Otherwise the page is checked as it is read: positions follow `fromPosition`
   * densely, and each event's hash and link hold (a BrokenChain names the first that fails).
   */
  readonly raw?: boolean;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events after this position. */
  readonly fromPosition: number;
  /** Called with each batch in global order; the next batch waits for it. A rejection stops the subscription. */
  readonly onEvents: (events: readonly StoredEvent[]) => Promise<void>;
  readonly batchSize?: number;
  /** How long to wait before polling again once caught up. */
  readonly pollIntervalMs?: number;
  /**
   * The caught-up signal: called with the position of the last event delivered (or fromPosition)
   * when a read finds nothing after it, once each time the subscription gets there: when it
   * first catches up, and again after it has delivered more. The next poll waits for it.
   */
  readonly onReachedHead?: (position: number) => void | Promise<void>;
}

export interface Subscription {
  /** Stops after the batch in hand; resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop, rejects if a read or onEvents failed. */
  readonly done: Promise<void>;
}

/**
 * The event store port. Append-only: no adapter updates or deletes an event.
 * Every call validates events through the store's EventRegistry: on append (current
 * version only) and on read (upcast to the current version).
 */
export interface EventStore {
  readonly engine: string;
  /**
   * Appends all events or none. Events whose ids are stored already are not stored again. A
   * head whose hash does not match its content is refused (BrokenChain): nothing chains onto it.
   * `condition`: another stream's revision the append also needs (a repeated append is answered
   * as stored whatever it says now).
   */
  append(stream: string, events: readonly EventEnvelope[], expected: ExpectedRevision, condition?: AppendCondition): TaskEither<AppendError, AppendResult>;
  /**
   * Appends batches to several streams, all or nothing (one transaction; on EventStoreDB one
   * after another, see docs/eventstoredb.md), in the order given, one result per batch. Each
   * batch is checked as `append` checks it: a batch stored already is a no-op reporting its
   * original positions, and a refused batch (a conflict, a schema violation) writes nothing
   * for any batch. A stream appears in at most one batch.
   */
  appendBatches(batches: readonly AppendBatch[]): TaskEither<AppendError, readonly AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): TaskEither<ReadError, readonly StoredEvent[]>;
  readAll(options?: ReadAllOptions): TaskEither<ReadError, readonly StoredEvent[]>;
  streamRevision(stream: string): TaskEither<ReadError, CurrentRevision>;
  /** Position of the last event in the global log (0 when empty). */
  headPosition(): TaskEither<ReadError, number>;
  /**
   * Optional: the log's last event, checked as readEvent checks it (its hash against its content,
   * its link to the event before it), or null for an empty log: the head and the event there in
   * one read (the freshness check before a view, see checkReadModel). Absent: headPosition, then readAll.
   */
  lastEvent?(): TaskEither<ReadError, StoredEvent | null>;
  /** One event by id, wherever it is stored, or null. */
  readEvent(eventId: string, options?: ReadEventOptions): TaskEither<ReadError, StoredEvent | null>;
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * The RFC 9162 Merkle tree over the log, when the store keeps one as it appends (in the
   * append's transaction). Absent: proofs compute the tree from the log on read (log-tree.ts).
   */
  readonly tree?: StoredTree;
  /**
   * Stops the store's subscriptions (each after its batch in hand), then releases what
   * the store opened itself; a connection or pool passed in by the caller is left open.
   * Calling it twice is harmless; any other call after it fails with StoreUnavailable.
   */
  close(): Promise<void>;
}
