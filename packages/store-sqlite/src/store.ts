import { systemClock, type Clock, type EventRegistry, type StoredEvent } from '@minsheng/core';
import {
  catchUp,
  appendedRows,
  checkEvents,
  checkHead,
  checkLogPage,
  positionsBefore,
  chainAfter,
  checkLogRange,
  filterParams,
  checkStreamRange,
  concurrencyError,
  conditionRefused,
  decodeRow,
  decodeRows,
  brokenChain,
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
  type ChainLink,
  type CurrentRevision,
  type EncodedEvent,
  type EventStore,
  type ExpectedRevision,
  type LogHead,
  type PreparedBatch,
  type ReadError,
  type StoredAt,
  type StoredRow,
  type StoreUnavailable,
} from '@minsheng/event-store';
import { left, right, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { nodesCompletedBy } from '@minsheng/verify';
import { rightEdge } from './right-edge';
import { isSqliteError, openConnection, retryWhileBusy, type ConnectionOptions } from './connection';
import { checkReadable, LATEST_SCHEMA_VERSION, migrate, nodesColumn } from './schema';
import { prepareStatements, storedRows, type Statements } from './statements';

export interface SqliteEventStoreOptions extends ConnectionOptions {
  /** Checks events on append and upcasts them on read; usually `ledgerRegistry`. */
  readonly registry: EventRegistry;
  /** Stamps stored_at, the time the row was written (beside metadata.recordedAt, which callers set). */
  readonly clock?: Clock;
}

const NO_LIMIT = -1;

/**
 * The embedded event store: one SQLite file, one connection per store, statements prepared
 * once. Every append is one BEGIN IMMEDIATE transaction, so the revision check, the
 * idempotency check and the chain link are decided while holding the file's write lock,
 * whichever process holds the other connections. Throws SqliteSchemaError when the file
 * was written by a newer schema.
 */
export const createSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => {
  const { registry, clock = systemClock } = options;
  const { db, owned, busyTimeoutMs } = openConnection(options);
  let q: Statements;
  try {
    let schema = LATEST_SCHEMA_VERSION;
    if (options.readOnly) schema = checkReadable(db);
    else retryWhileBusy(busyTimeoutMs, () => migrate(db, () => clock.now().toISOString()));
    q = prepareStatements(db, schema);
  } catch (err) {
    if (owned) db.close();
    throw err;
  }
  const subscriptions = subscriptionSet();
  let closed = false;

  /** Runs a synchronous step as a task; engine failures become StoreUnavailable, bugs still throw. */
  const task = <E, A>(f: () => Either<E, A>): TaskEither<E | StoreUnavailable, A> =>
    () =>
      Promise.resolve().then(() => {
        if (closed) return left(storeUnavailable(new Error('the SQLite event store is closed')));
        try {
          return f();
        } catch (err) {
          if (isSqliteError(err)) return left(storeUnavailable(err));
          throw err;
        }
      });

  const linksAt = (positions: readonly number[]): Map<number, ChainLink> =>
    new Map(positions.length ? q.linksAt.all(JSON.stringify(positions)).map((l) => [l.position, l]) : []);

  /** Rows read alone or by stream, each checked against the event before it. */
  const checkedEvents = (rows: readonly StoredRow[]): Either<ReadError, readonly StoredEvent[]> => {
    const broken = checkEvents(linksAt(positionsBefore(rows)), rows);
    return broken ? left(broken) : decodeRows(rows, registry, false);
  };

  /*
   * The tree's right edge as this transaction wrote it: a leaf's new nodes pair it with the
   * last node written at each level, so a batch reads the table only for the edge it started
   * on (a few rows) instead of once an event. Reset when a transaction starts: nodes of one
   * rolled back must never be read.
   */
  const edge = rightEdge((level, index) => q.tree!.node(level, index));

  const currentRevision = (stream: string): CurrentRevision => q.streamRevision.get(stream)?.revision ?? NO_STREAM;

  const storedAlready = (events: readonly EncodedEvent[]): Map<string, StoredAt> => {
    if (events.length === 1) {
      const at = q.storedAt.get(events[0]!.eventId);
      return new Map(at ? [[at.eventId, at]] : []);
    }
    return new Map(q.storedAtMany.all(JSON.stringify(events.map((e) => e.eventId))).map((at) => [at.eventId, at]));
  };

  /**
   * One stream's append inside the caller's transaction, after `head` (undefined: read it).
   * Returns the result and the log's head after it.
   */
  const appendTo = (
    stream: string,
    events: readonly EncodedEvent[],
    expected: ExpectedRevision,
    head: LogHead | null | undefined,
    condition?: AppendCondition,
  ): Either<AppendError, { result: AppendResult; head: LogHead | null | undefined }> => {
    const replay = replayIfStored(stream, events, storedAlready(events));
    if (replay._tag === 'Left') return replay;
    if (replay.right) return right({ result: replay.right, head });
    const refused = conditionRefused(condition, currentRevision);
    if (refused) return left(refused);
    const actual = currentRevision(stream);
    if (!satisfies(expected, actual)) return left(concurrencyError(stream, expected, actual));
    const w = q.writes;
    if (!w) return left(storeUnavailable(new Error(`${db.name} is open read-only at an older schema version; nothing can be appended`)));

    let after = head;
    if (after === undefined) {
      edge.reset();
      // Once a transaction: its later batches chain onto rows it wrote itself.
      const last = w.logHead.get();
      const broken = checkHead(last);
      if (broken) return left(broken);
      // A row slipped into the log by hand has no leaf: nothing chains onto a log the tree does not cover.
      // Nor onto a log cut at its head, which the tree's recorded size still covers.
      const leaves = q.tree!.leafCount();
      if (last && leaves !== last.position)
        return left(brokenChain(last.position, last.eventId, `the Merkle tree covers ${leaves} events but the log holds ${last.position}`));
      if (!last && leaves > 0) return left(brokenChain(1, 'none', `the Merkle tree covers ${leaves} events but the log holds none`));
      after = last ?? null;
    }
    const chained = chainAfter(after, stream, actual, events, clock.now().toISOString());
    for (let i = 0; i < chained.rows.length; i++) {
      const row = chained.rows[i]!;
      const leaf = chained.leaves[i]!;
      // The nodes this leaf completes go in its own row (schema 5), levels in order; the edge
      // answers for this transaction's nodes, the file for those before it.
      const completed = nodesCompletedBy(row.position - 1, leaf, edge.left);
      for (const n of completed) edge.wrote(n.level, n.index, n.hash);
      w.insert.run(
        row.position,
        row.eventId,
        stream,
        row.revision,
        row.type,
        row.schemaVersion,
        row.data,
        row.metadata,
        row.prevHash,
        row.hash,
        row.storedAt,
        row.hashVersion,
        leaf,
        nodesColumn(completed),
      );
    }
    w.insertSize.run(chained.head.position);
    return right({ result: appendedRows(stream, chained.rows), head: chained.head });
  };

  const write = db.transaction((stream: string, events: readonly EncodedEvent[], expected: ExpectedRevision, condition?: AppendCondition): Either<AppendError, AppendResult> => {
    const r = appendTo(stream, events, expected, undefined, condition);
    return r._tag === 'Left' ? r : right(r.right.result);
  });

  /** A refused batch of a multi-stream append, thrown to roll back the transaction's earlier batches. */
  class Refused {
    constructor(readonly error: AppendError) {}
  }

  const writeBatches = db.transaction((batches: readonly PreparedBatch[]): readonly AppendResult[] => {
    let head: LogHead | null | undefined;
    const results: AppendResult[] = [];
    for (const b of batches) {
      const r = appendTo(b.stream, b.events, b.expected, head);
      if (r._tag === 'Left') throw new Refused(r.left);
      results.push(r.right.result);
      head = r.right.head;
    }
    return results;
  });

  const store: EventStore = {
    engine: 'sqlite',

    append: (stream, events, expected, condition) =>
      task<AppendError, AppendResult>(() => {
        // Checking and serialising happen before the write lock is taken.
        const prepared = prepareAppend(registry, stream, events, expected, condition);
        return prepared._tag === 'Left' ? prepared : write.immediate(stream, prepared.right, expected, condition);
      }),

    appendBatches: (batches) =>
      task<AppendError, readonly AppendResult[]>(() => {
        const prepared = prepareBatches(registry, batches);
        if (prepared._tag === 'Left') return prepared;
        try {
          return right(writeBatches.immediate(prepared.right));
        } catch (err) {
          if (err instanceof Refused) return left(err.error);
          throw err;
        }
      }),

    readStream: (stream, opts) =>
      task<ReadError, readonly StoredEvent[]>(() => {
        const range = checkStreamRange(opts);
        if (range._tag === 'Left') return range;
        const { direction, fromRevision, maxCount = NO_LIMIT, raw } = range.right;
        const rows =
          direction === 'forward'
            ? q.streamForward.all(stream, fromRevision ?? 0, maxCount)
            : q.streamBackward.all(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount);
        return raw ? decodeRows(storedRows(rows), registry, true) : checkedEvents(storedRows(rows));
      }),

    readAll: (opts) =>
      task<ReadError, readonly StoredEvent[]>(() => {
        const range = checkLogRange(opts);
        if (range._tag === 'Left') return range;
        const { fromPosition, toPosition, maxCount = NO_LIMIT, raw, filter } = range.right;
        if (filter || toPosition !== undefined) {
          const { types } = filterParams(filter);
          const to = toPosition ?? Number.MAX_SAFE_INTEGER;
          const found = storedRows(q.logFiltered.all({ from: fromPosition, to, types, prefix: filter?.streamPrefix ?? null, limit: maxCount }));
          // A filtered page is not dense: each event is checked against the one before it, as a stream's are.
          if (raw || found.length === 0) return decodeRows(found, registry, raw);
          if (filter) return checkedEvents(found);
          const broken = checkLogPage(fromPosition, fromPosition === 0 ? undefined : linksAt([fromPosition]).get(fromPosition), found);
          return broken ? left(broken) : decodeRows(found, registry, false);
        }
        const page = storedRows(q.logPage.all(fromPosition, maxCount));
        if (raw || page.length === 0) return decodeRows(page, registry, raw);
        const broken = checkLogPage(fromPosition, fromPosition === 0 ? undefined : linksAt([fromPosition]).get(fromPosition), page);
        return broken ? left(broken) : decodeRows(page, registry, false);
      }),

    streamRevision: (stream) => task<ReadError, CurrentRevision>(() => right(currentRevision(stream))),

    headPosition: () => task<ReadError, number>(() => right(q.headPosition.get()!.head)),

    lastEvent: () =>
      task<ReadError, StoredEvent | null>(() => {
        const row = q.last.get();
        if (!row) return right(null);
        const checked = checkedEvents([row]);
        return checked._tag === 'Left' ? checked : right(checked.right[0]!);
      }),

    readEvent: (eventId, opts) =>
      task<ReadError, StoredEvent | null>(() => {
        const row = q.event.get(eventId);
        if (!row) return right(null);
        if (opts?.raw) return decodeRow(row, registry, true);
        const checked = checkedEvents([row]);
        return checked._tag === 'Left' ? checked : right(checked.right[0]!);
      }),

    subscribe: (opts) => subscriptions.track(catchUp(store, opts)),

    ...(q.tree ? { tree: { leafCount: async () => q.tree!.leafCount(), nodes: async (keys) => q.tree!.nodes(keys) } } : {}),

    close: async () => {
      if (closed) return;
      await subscriptions.stopAll();
      closed = true;
      if (owned) db.close();
    },
  };
  return store;
};
