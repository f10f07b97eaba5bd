import {
  CURRENT_VERSION,
  foldState,
  newEventId,
  planDecider,
  planStream,
  progressDecider,
  taskDecider,
  taskStream,
  type Clock,
  type Decider,
  type LedgerEvent,
  type Metadata,
  type PlanFrame,
  type StoredEvent,
} from '@minsheng/core';
import { NO_STREAM, type AppendResult, type EventStore, type ExpectedRevision } from '@minsheng/event-store';
import { isLeft, right, type Either } from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerFailure } from './failure';

const asDomain = (e: StoredEvent): LedgerEvent =>
  ({ type: e.type, data: e.data, eventId: e.eventId, ...(e.metadata.actor.unit !== undefined ? { by: e.metadata.actor.unit } : {}) }) as LedgerEvent;

/** A stream's state folded by its decider, and the revision to expect when appending to it. */
export interface Loaded<S> {
  readonly state: S;
  readonly revision: ExpectedRevision;
  /** The stream's events as stored, the state's source (a signed event is checked against them: unit-signature.ts). */
  readonly events: readonly StoredEvent[];
}

export const load = <C, S>(store: EventStore, stream: string, decider: Decider<C, S>): TE.TaskEither<LedgerFailure, Loaded<S>> =>
  pipe(
    store.readStream(stream),
    TE.map((events) => ({
      state: foldState(decider, events.map(asDomain)),
      revision: events.length ? events[events.length - 1]!.revision : NO_STREAM,
      events,
    })),
  );

export const loadFrame = (store: EventStore, planId: string): TE.TaskEither<LedgerFailure, PlanFrame | null> =>
  pipe(
    load(store, planStream(planId), planDecider),
    TE.map((l) => l.state.frame),
  );

export const loadTask = (store: EventStore, planId: string, task: number) => load(store, taskStream(planId, task), taskDecider);
export const loadProgress = (store: EventStore, stream: string) => load(store, stream, progressDecider);

/** Wraps decided events in envelopes with ids, the current schema version and metadata. */
export const envelopes = (events: readonly LedgerEvent[], metadata: Metadata, clock: Clock) =>
  events.map((e) => ({
    eventId: newEventId(clock.now()),
    type: e.type,
    schemaVersion: CURRENT_VERSION[e.type],
    data: e.data,
    metadata,
  }));

/**
 * Checks decided events before they are appended and gives their final metadata (a progress
 * event's signature: unit-signature.ts). `earlier` is the stream as read at the revision the
 * events will be appended at: a signature already among them is refused.
 */
export type Seal = (events: readonly LedgerEvent[], metadata: Metadata, earlier: readonly StoredEvent[]) => Either<LedgerFailure, Metadata>;

export interface Appended {
  readonly result: AppendResult;
  readonly eventIds: readonly string[];
}

export const appendDecided = (
  store: EventStore,
  stream: string,
  events: readonly LedgerEvent[],
  revision: ExpectedRevision,
  metadata: Metadata,
  clock: Clock,
  seal?: Seal,
  earlier: readonly StoredEvent[] = [],
): TE.TaskEither<LedgerFailure, Appended | null> => {
  if (events.length === 0) return TE.right(null);
  const sealed = seal ? seal(events, metadata, earlier) : right(metadata);
  if (isLeft(sealed)) return TE.left(sealed.left);
  const batch = envelopes(events, sealed.right, clock);
  return pipe(
    store.append(stream, batch, revision),
    TE.map((result) => ({ result, eventIds: batch.map((e) => e.eventId) })),
  );
};
