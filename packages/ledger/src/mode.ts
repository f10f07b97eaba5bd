import { CURRENT_VERSION, fixedClock, isEarlier, LEDGER_STREAM, newEventId, systemClock, type Clock, type EventEnvelope, type LedgerMode, type ReasonFields } from '@minsheng/core';
import { NO_STREAM, type EventStore } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import type { LedgerFailure } from './failure';

/** The ledger's mode and the head of its log, read before every write. */
export interface LedgerSetting {
  readonly mode: LedgerMode;
  /** Whether the ledger has its LedgerCreated event (ledgers from before modes have none, and are production). */
  readonly recorded: boolean;
  /** The log's last event: its position (0 when empty), recorded time and hash (null when empty). */
  readonly head: { readonly position: number; readonly recordedAt: string | null; readonly hash: string | null };
}

/** A second LedgerCreated, or one after other events: a ledger's mode is fixed when it is created. */
export interface ModeRefused {
  readonly _tag: 'ModeRefused';
  readonly mode: LedgerMode;
  readonly asked: LedgerMode;
  readonly code: 'mode.fixed';
  readonly fields: ReasonFields;
  readonly message: string;
}

/** On a simulated ledger, a write whose clock reads earlier than the ledger's latest event. */
export interface ClockBehindLedger {
  readonly _tag: 'ClockBehindLedger';
  /** The clock's time, ISO 8601. */
  readonly at: string;
  readonly head: { readonly position: number; readonly recordedAt: string };
  readonly code: 'clock.behindLedger';
  readonly fields: ReasonFields;
  readonly message: string;
}

const recordedAtOf = (metadata: unknown): string | null => {
  const r = (metadata as { recordedAt?: unknown } | undefined)?.recordedAt;
  return typeof r === 'string' ? r : null;
};

/** The mode is the one LedgerCreated at position 1 gives; without it, production. */
export const readLedgerSetting = (store: EventStore): TE.TaskEither<LedgerFailure, LedgerSetting> =>
  pipe(
    store.headPosition(),
    TE.bindTo('position'),
    TE.bindW('first', ({ position }) => (position === 0 ? TE.right([]) : store.readAll({ maxCount: 1, raw: true }))),
    TE.bindW('last', ({ position, first }) =>
      position <= 1 ? TE.right(first) : store.readAll({ fromPosition: position - 1, maxCount: 1, raw: true }),
    ),
    TE.map(({ position, first, last }) => {
      const created = first[0]?.type === 'LedgerCreated' ? first[0] : undefined;
      const mode = (created?.data as { mode?: unknown } | undefined)?.mode === 'simulated' ? 'simulated' : 'production';
      return { mode, recorded: created !== undefined, head: { position, recordedAt: recordedAtOf(last[0]?.metadata), hash: last[0]?.hash ?? null } };
    }),
  );

/** Adds the ledger's mode to the metadata of every event appended through this store. */
export const markedStore = (store: EventStore, mode: LedgerMode): EventStore => {
  const mark = (e: EventEnvelope): EventEnvelope => ({ ...e, metadata: { ...e.metadata, mode } });
  return {
    engine: store.engine,
    append: (stream, events, expected, condition) => store.append(stream, events.map(mark), expected, condition),
    appendBatches: (batches) => store.appendBatches(batches.map((b) => ({ ...b, events: b.events.map(mark) }))),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    streamRevision: (stream) => store.streamRevision(stream),
    headPosition: () => store.headPosition(),
    readEvent: (eventId, options) => store.readEvent(eventId, options),
    subscribe: (options) => store.subscribe(options),
    close: () => store.close(),
  };
};

export const clockBehindLedger = (at: Date, head: { position: number; recordedAt: string }): ClockBehindLedger => ({
  _tag: 'ClockBehindLedger',
  at: at.toISOString(),
  head,
  code: 'clock.behindLedger',
  fields: { at: at.toISOString(), position: head.position, recordedAt: head.recordedAt },
  message: `the clock reads ${at.toISOString()}, before the ledger's latest event (position ${head.position}, recorded at ${head.recordedAt}); a simulated ledger's clock moves forward only`,
});

/**
 * What a write records with: on a production ledger the system clock, whatever clock the ledger
 * was given (that one answers queries only); on a simulated ledger the given clock, refused when
 * it reads earlier than the latest event, and without one the latest event's time (a simulation's
 * clock stands still until it is moved: a worker's completion does not jump it to the real
 * present). Every event is marked with the mode.
 */
export const writingDeps = (deps: LedgerDeps, given?: Clock): TE.TaskEither<LedgerFailure, LedgerDeps> =>
  pipe(
    readLedgerSetting(deps.store),
    TE.chainW((s): TE.TaskEither<LedgerFailure, LedgerDeps> => {
      if (s.mode === 'production') return TE.right({ ...deps, clock: systemClock, store: markedStore(deps.store, 'production') });
      const store = markedStore(deps.store, 'simulated');
      if (given === undefined) return TE.right({ ...deps, store, clock: s.head.recordedAt === null ? systemClock : fixedClock(s.head.recordedAt) });
      const at = given.now();
      if (s.head.recordedAt !== null && isEarlier(at.toISOString(), s.head.recordedAt))
        return TE.left(clockBehindLedger(at, { position: s.head.position, recordedAt: s.head.recordedAt }));
      return TE.right({ ...deps, store, clock: given });
    }),
  );

/** What creating the ledger's record did. */
export interface InitResult {
  readonly mode: LedgerMode;
  /** False when the ledger had its mode already (or, from before modes, had events): nothing was written. */
  readonly created: boolean;
  readonly head: number;
}

/**
 * Records LedgerCreated as the ledger's first event. A ledger that has it already in the same
 * mode is left as it is; a production ledger (with LedgerCreated, or with events from before
 * modes) is never made simulated, and a simulated one never production.
 */
export const initLedger = (deps: LedgerDeps, mode: LedgerMode): TE.TaskEither<LedgerFailure, InitResult> =>
  pipe(
    readLedgerSetting(deps.store),
    TE.chainW((s): TE.TaskEither<LedgerFailure, InitResult> => {
      if (s.recorded || s.head.position > 0) {
        if (s.mode === mode) return TE.right({ mode, created: false, head: s.head.position });
        return TE.left({
          _tag: 'ModeRefused',
          mode: s.mode,
          asked: mode,
          code: 'mode.fixed',
          fields: { mode: s.mode, count: s.head.position, asked: mode },
          message: `the ledger is a ${s.mode} ledger (${s.head.position} event${s.head.position === 1 ? '' : 's'}); its mode was fixed when it was created and cannot become ${mode}`,
        } satisfies ModeRefused);
      }
      const clock = mode === 'production' ? systemClock : deps.clock;
      const event: EventEnvelope = {
        eventId: newEventId(clock.now()),
        type: 'LedgerCreated',
        schemaVersion: CURRENT_VERSION.LedgerCreated,
        data: { mode },
        metadata: metadataFor(clock, { system: 'init' }),
      };
      return pipe(
        markedStore(deps.store, mode).append(LEDGER_STREAM, [event], NO_STREAM),
        TE.map((r) => ({ mode, created: true, head: r.positions[r.positions.length - 1]! })),
      );
    }),
  );
