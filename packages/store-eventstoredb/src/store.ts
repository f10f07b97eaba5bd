import { BACKWARDS, END, EventStoreDBClient, FORWARDS, type ResolvedEvent } from '@eventstore/db-client';
import { systemClock, type Clock, type EventRegistry, type StoredEvent } from '@minsheng/core';
import {
  catchUp,
  appendedRows,
  checkEvents,
  checkLogPage,
  positionsBefore,
  chainAfter,
  checkLogRange,
  passes,
  checkStreamRange,
  concurrencyError,
  conditionRefused,
  decodeRow,
  NO_STREAM,
  prepareAppend,
  prepareBatches,
  replayIfStored,
  satisfies,
  storeUnavailable,
  subscriptionSet,
  type AppendCondition,
  type AppendError,
  type AppendResult,
  type CorruptEvent,
  type CurrentRevision,
  type EncodedEvent,
  type EventStore,
  type ExpectedRevision,
  type PreparedBatch,
  type ReadError,
  type StoredRow,
} from '@minsheng/event-store';
import { left, right, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { fromLinkedEvent, fromLogEvent, toLogEvent } from './codec';
import { Refusal } from './errors';
import { ledgerIo } from './ledger-io';
import { ledgerStreams } from './names';

interface CommonOptions {
  /** Checks events on append and upcasts them on read; usually `ledgerRegistry`. */
  readonly registry: EventRegistry;
  /** Stamps each event's storedAt (beside metadata.recordedAt, which callers set). */
  readonly clock?: Clock;
  /** Names the ledger's streams (letters, digits, `_`); several ledgers can share one database. Default `minsheng`. */
  readonly ledger?: string;
  /** How long an append keeps retrying while other writers move the log (other processes only). Default 30 s. */
  readonly appendTimeoutMs?: number;
}

export type EventStoreDbStoreOptions = CommonOptions &
  (
    | { readonly connectionString: string; readonly client?: undefined }
    /** A client you made and will dispose of yourself: close() leaves it open. */
    | { readonly client: EventStoreDBClient; readonly connectionString?: undefined }
  );

/** One append at a time from this store; appends from other processes are serialised by the log's expected revision. */
const serially = () => {
  let last: Promise<unknown> = Promise.resolve();
  return <A>(f: () => Promise<A>): Promise<A> => {
    const run = last.then(f, f);
    last = run.catch(() => undefined);
    return run;
  };
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Decodes in order, stopping at the first event that cannot be read. */
const decodeAll = (
  rows: readonly Either<CorruptEvent, StoredRow>[],
  registry: EventRegistry,
  raw: boolean,
): Either<ReadError, readonly StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for (const row of rows) {
    if (row._tag === 'Left') return row;
    const e = decodeRow(row.right, registry, raw);
    if (e._tag === 'Left') return e;
    events.push(e.right);
  }
  return right(events);
};

/** Rows that could be read, or the first that could not. */
const readable = (rows: readonly Either<CorruptEvent, StoredRow>[]): Either<CorruptEvent, StoredRow[]> => {
  const out: StoredRow[] = [];
  for (const row of rows) {
    if (row._tag === 'Left') return row;
    out.push(row.right);
  }
  return right(out);
};

/**
 * The event store on EventStoreDB/KurrentDB. The ledger's events are one ESDB stream, its
 * log, appended at an exact expected revision: that makes positions dense, the hash chain
 * global, and the expected-revision and idempotency checks exact, decided against a log
 * no other writer can move without making this append fail and retry. Each stream and each
 * event id has a stream of links into the log, for reads by stream and by id.
 * See docs/eventstoredb.md.
 */
export const createEventStoreDbStore = (options: EventStoreDbStoreOptions): EventStore => {
  const { registry, clock = systemClock, appendTimeoutMs = 30_000 } = options;
  if ((options.client === undefined) === (options.connectionString === undefined))
    throw new TypeError('createEventStoreDbStore needs either a connectionString or a client, not both');
  const names = ledgerStreams(options.ledger);
  const owned = options.client === undefined;
  const client = options.client ?? EventStoreDBClient.connectionString(options.connectionString!);
  const io = ledgerIo(client, names);
  const subscriptions = subscriptionSet();
  const oneAtATime = serially();
  let closed = false;

  const task =
    <E extends AppendError | ReadError, A>(f: () => Promise<Either<E, A>>): TaskEither<E, A> =>
    async () => {
      if (closed) return left(storeUnavailable(new Error('the EventStoreDB event store is closed')) as E);
      try {
        return await f();
      } catch (err) {
        // Refusals carry StoreUnavailable, InvalidArgument or (an append onto a broken head) BrokenChain.
        if (err instanceof Refusal) return left(err.error as E);
        throw err;
      }
    };

  const appendOnce = async (
    stream: string,
    events: readonly EncodedEvent[],
    expected: ExpectedRevision,
    condition?: AppendCondition,
  ): Promise<Either<AppendError, AppendResult> | 'retry'> => {
    const tail = await io.logTail();
    if (tail) await io.settle(tail);
    const found = await io.storedAt(events.map((e) => e.eventId));
    const replay = replayIfStored(stream, events, found);
    // Part of a batch found may be a batch another process is still linking: only a log that
    // has not moved since its tail was read makes "partly stored" a fact.
    if (found.size > 0 && found.size < events.length && (await io.logTail())?.position !== tail?.position) return 'retry';
    if (replay._tag === 'Left') return replay;
    if (replay.right) return right(replay.right);
    // Exact as the expected revision is: the log was settled up to its tail, and the write below lands only on that tail.
    if (condition) {
      const now = await io.linkedRevision(condition.stream, true);
      const refused = conditionRefused(condition, () => now);
      if (refused) return left(refused);
    }
    const actual: CurrentRevision = await io.linkedRevision(stream, true);
    if (!satisfies(expected, actual)) return left(concurrencyError(stream, expected, actual));

    const { rows } = chainAfter(tail, stream, actual, events, clock.now().toISOString());
    const written = await io.appendChecked(
      names.log,
      rows.map(toLogEvent),
      tail ? tail.position - 1 : NO_STREAM,
    );
    if (written === 'conflict') return 'retry';
    await io.link(stream, rows[0]!.revision, rows);
    return right(appendedRows(stream, rows));
  };

  const appendUntilDecided = async (
    stream: string,
    events: readonly EncodedEvent[],
    expected: ExpectedRevision,
    condition?: AppendCondition,
  ): Promise<Either<AppendError, AppendResult>> => {
    const giveUpAt = Date.now() + appendTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const r = await appendOnce(stream, events, expected, condition);
      if (r !== 'retry') return r;
      if (Date.now() > giveUpAt)
        return left(storeUnavailable(new Error(`the ledger log kept moving under ${attempt} attempts to append to ${stream}; nothing was written`)));
      // Another process appended between our read of the log's tail and our write: read again.
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
  };

  /**
   * Checks every batch's idempotency and expected revision before writing any, so a conflict
   * known now writes nothing. Null: all may go ahead.
   */
  const firstRefusal = async (batches: readonly PreparedBatch[]): Promise<Either<AppendError, never> | null> => {
    const tail = await io.logTail();
    if (tail) await io.settle(tail);
    for (const b of batches) {
      const replay = replayIfStored(b.stream, b.events, await io.storedAt(b.events.map((e) => e.eventId)));
      if (replay._tag === 'Left') return replay;
      if (replay.right) continue;
      const actual = await io.linkedRevision(b.stream, true);
      if (!satisfies(b.expected, actual)) return left(concurrencyError(b.stream, b.expected, actual));
    }
    return null;
  };

  /** Rows read alone or by stream, each checked against the event before it. */
  const checkedEvents = async (rows: readonly Either<CorruptEvent, StoredRow>[]): Promise<Either<ReadError, readonly StoredEvent[]>> => {
    const found = readable(rows);
    if (found._tag === 'Left') return found;
    const broken = checkEvents(await io.linksAt(positionsBefore(found.right)), found.right);
    return broken ? left(broken) : decodeAll(rows, registry, false);
  };

  const readLinks = async (stream: string, from: bigint | typeof END, direction: typeof FORWARDS | typeof BACKWARDS, maxCount?: number): Promise<ResolvedEvent[]> =>
    io.read(names.stream(stream), { resolveLinkTos: true, direction, fromRevision: from, ...(maxCount === undefined ? {} : { maxCount }) });

  const store: EventStore = {
    engine: 'eventstoredb',

    // Not atomic here: this client has no transaction across ESDB streams' links, so the
    // batches are appended one after another once all were checked (docs/eventstoredb.md).
    appendBatches: (batches) =>
      task<AppendError, readonly AppendResult[]>(async () => {
        const prepared = prepareBatches(registry, batches);
        if (prepared._tag === 'Left') return prepared;
        return oneAtATime(async () => {
          const refused = await firstRefusal(prepared.right);
          if (refused) return refused;
          const results: AppendResult[] = [];
          for (const b of prepared.right) {
            const r = await appendUntilDecided(b.stream, b.events, b.expected);
            if (r._tag === 'Left') return r;
            results.push(r.right);
          }
          return right(results);
        });
      }),

    append: (stream, events, expected, condition) =>
      task<AppendError, AppendResult>(async () => {
        const prepared = prepareAppend(registry, stream, events, expected, condition);
        if (prepared._tag === 'Left') return prepared;
        return oneAtATime(() => appendUntilDecided(stream, prepared.right, expected, condition));
      }),

    readStream: (stream, opts) =>
      task<ReadError, readonly StoredEvent[]>(async () => {
        const range = checkStreamRange(opts);
        if (range._tag === 'Left') return range;
        const { direction, fromRevision, maxCount, raw } = range.right;
        let links: ResolvedEvent[];
        if (direction === 'forward') links = await readLinks(stream, BigInt(fromRevision ?? 0), FORWARDS, maxCount);
        else {
          links = await readLinks(stream, fromRevision === undefined ? END : BigInt(fromRevision), BACKWARDS, maxCount);
          // Backward from past the end means from the last event, whatever the server makes of it.
          if (links.length === 0 && fromRevision !== undefined) links = await readLinks(stream, END, BACKWARDS, maxCount);
        }
        const rows = links.map((l) => fromLinkedEvent(l, names.log, { stream, revision: Number((l.link ?? l.event)!.revision) }));
        return raw ? decodeAll(rows, registry, true) : checkedEvents(rows);
      }),

    readAll: (opts) =>
      task<ReadError, readonly StoredEvent[]>(async () => {
        const range = checkLogRange(opts);
        if (range._tag === 'Left') return range;
        const { fromPosition, toPosition, maxCount: limit, raw, filter } = range.right;
        // The log is one stream here, whose links name the events' own streams: a filter is applied
        // to the page read (dense, so checked whole), not by the server (docs/eventstoredb.md).
        const span = toPosition === undefined ? undefined : Math.max(0, toPosition - fromPosition);
        const maxCount = filter ? span : span === undefined ? limit : Math.min(span, limit ?? span);
        if (maxCount === 0) return right([]);
        // Position p is log revision p - 1, so "after position p" starts at revision p.
        const page = await io.read(names.log, { fromRevision: BigInt(fromPosition), ...(maxCount === undefined ? {} : { maxCount }) });
        const rows = page.map((e) => fromLogEvent(e.event!));
        const kept = (events: Either<ReadError, readonly StoredEvent[]>) =>
          filter && events._tag === 'Right' ? right(events.right.filter((e) => passes(filter, e.type, e.stream)).slice(0, limit)) : events;
        if (raw || rows.length === 0) return kept(decodeAll(rows, registry, raw));
        const found = readable(rows);
        if (found._tag === 'Left') return found;
        const before = fromPosition === 0 ? undefined : (await io.linksAt([fromPosition])).get(fromPosition);
        const broken = checkLogPage(fromPosition, before, found.right);
        return broken ? left(broken) : kept(decodeAll(rows, registry, false));
      }),

    streamRevision: (stream) => task<ReadError, CurrentRevision>(async () => right(await io.linkedRevision(stream))),

    headPosition: () => task<ReadError, number>(async () => right(await io.headPosition())),

    readEvent: (eventId, opts) =>
      task<ReadError, StoredEvent | null>(async () => {
        const row = await io.byId(eventId);
        if (!row) return right(null);
        if (row._tag === 'Left') return row;
        if (opts?.raw) return decodeRow(row.right, registry, true);
        const checked = await checkedEvents([row]);
        return checked._tag === 'Left' ? checked : right(checked.right[0]!);
      }),

    subscribe: (opts) => subscriptions.track(catchUp(store, opts)),

    close: async () => {
      if (closed) return;
      await subscriptions.stopAll();
      closed = true;
      if (owned) await client.dispose();
    },
  };
  return store;
};
