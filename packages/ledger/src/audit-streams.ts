import type { StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerFailure } from './failure';

/**
 * The streams an audit reads, kept checked between audits of one ledger. A city figure's
 * evidence is every event of 18 progress streams (26,000 events at 1M): read, hashed and parsed
 * again on every audit it cost 80–500 ms. Kept, an audit reads the log's head, and when the
 * log grew, the events after the head it last saw (one checked page: each hash and link holds),
 * adding those of kept streams. Every event comes from a checked read: the stream's when first
 * read, the log tail's after. What a kept event cannot show is a row changed behind the store
 * after it was read: so the audit reads again, checked, every event it shows, and when one's
 * hash is not the kept one, forgets everything and reads the streams whole (see ledger.ts).
 */
export interface AuditStreams {
  /**
   * The streams whole, checked, in the order asked, up to the log's head at least: `head` when
   * given (the freshness check before the audit read it: one round trip fewer), else read now.
   */
  read(streams: readonly string[], head?: number): TE.TaskEither<LedgerFailure, readonly (readonly StoredEvent[])[]>;
  /** Drops every kept stream: the next read is a whole read of each. */
  forget(): void;
}

/** A log tail longer than this is not worth reading: the streams are read whole instead. */
const TAIL_MAX = 5_000;
/** Events kept at most; past it the streams are forgotten and read again (a process serves few figures). */
const KEPT_MAX = 500_000;

/** `keep` false: nothing is kept, every read is whole (a ledger that holds no memory between audits). */
export const auditStreams = (store: EventStore, keep = true): AuditStreams => {
  const kept = new Map<string, readonly StoredEvent[]>();
  let keptEvents = 0;
  /** The log position up to which every kept stream is whole; null: nothing kept. */
  let head: number | null = null;
  const forget = () => {
    kept.clear();
    keptEvents = 0;
    head = null;
  };

  /** Adds the tail's events to the kept streams, in revision order; a stream with a gap is dropped, to be read whole. */
  const addTail = (tail: readonly StoredEvent[]) => {
    for (const e of tail) {
      const events = kept.get(e.stream);
      if (!events) continue;
      const last = events[events.length - 1];
      const lastRevision = last ? last.revision : -1;
      if (e.revision <= lastRevision) continue; // already read with its stream
      if (e.revision !== lastRevision + 1) {
        kept.delete(e.stream);
        keptEvents -= events.length;
        continue;
      }
      kept.set(e.stream, [...events, e]);
      keptEvents += 1;
    }
  };

  /** Brings the kept streams up to the log's head `now`: the tail after the last head, checked. */
  const catchUp = (now: number): TE.TaskEither<LedgerFailure, void> => {
    const from = head;
    if (from === null || now === from) return TE.right(undefined);
    if (now < from || now - from > TAIL_MAX) return TE.right(forget());
    return pipe(
      store.readAll({ fromPosition: from, toPosition: now }),
      TE.map((tail) => {
        addTail(tail);
        head = now;
      }),
    );
  };

  const readMissing = (streams: readonly string[], now: number): TE.TaskEither<LedgerFailure, void> => {
    const missing = [...new Set(streams.filter((s) => !kept.has(s)))];
    if (missing.length === 0) return TE.right(undefined);
    return pipe(
      // All at once: a store that gathers the reads of one tick (PostgreSQL) answers them in one query.
      TE.sequenceArray(missing.map((stream) => store.readStream(stream))),
      TE.map((read) => {
        // Read after the head was: each stream is whole up to `now` at least.
        if (head === null) head = now;
        missing.forEach((stream, i) => kept.set(stream, read[i]!));
        keptEvents += read.reduce((n, events) => n + events.length, 0);
      }),
    );
  };

  // One read at a time: the kept state moves from one head to the next without interleaving.
  let busy: Promise<unknown> = Promise.resolve();
  const serialized =
    <A>(task: TE.TaskEither<LedgerFailure, A>): TE.TaskEither<LedgerFailure, A> =>
    () => {
      const run = busy.then(task);
      busy = run.catch(() => undefined);
      return run;
    };

  return {
    read: (streams, at) =>
      serialized(
        pipe(
          TE.fromIO(() => {
            if (!keep || keptEvents > KEPT_MAX) forget();
          }),
          TE.chainW(() => (at === undefined ? store.headPosition() : TE.right(at))),
          TE.chainFirstW((now) => catchUp(now)),
          TE.chainW((now) => readMissing(streams, now)),
          TE.map(() => streams.map((s) => kept.get(s) ?? [])),
        ),
      ),
    forget,
  };
};
