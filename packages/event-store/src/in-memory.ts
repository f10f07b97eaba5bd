import { systemClock, type Clock, type EventRegistry, type StoredEvent } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { catchUp, subscriptionSet } from './catch-up';
import { checkEvents, checkHead, checkLogPage, linkOf, positionsBefore, type ChainLink } from './checked-log';
import { concurrencyError, storeUnavailable, type AppendError, type ReadError, type StoreUnavailable } from './errors';
import { NO_STREAM, satisfies, type CurrentRevision, type ExpectedRevision } from './expected-revision';
import type { AppendCondition, AppendResult, EventStore } from './port';
import { passes } from './log-filter';
import { checkLogRange, checkStreamRange, conditionRefused, prepareAppend, prepareBatches, replayIfStored, type StoredAt } from './rules';
import { MemoryTree } from '@minsheng/verify';
import { appendedRows, chainAfter, decodeRow, decodeRows, type EncodedEvent, type LogHead, type StoredRow } from './stored-row';

export interface InMemoryEventStoreOptions {
  readonly registry: EventRegistry;
  /** Stamps each event's storedAt, as the SQL stores stamp stored_at. Default the system clock. */
  readonly clock?: Clock;
}

/** What the testing kit reaches behind the port: the rows themselves. Not exported from the package root. */
export interface InMemoryInternals {
  readonly rows: StoredRow[];
  /** Appends encoded events with no schema check, as an older release would have written them. */
  insert(stream: string, events: readonly EncodedEvent[], expected: ExpectedRevision): Either<AppendError, AppendResult>;
}

const internals = new WeakMap<EventStore, InMemoryInternals>();

export const inMemoryInternals = (store: EventStore): InMemoryInternals => {
  const found = internals.get(store);
  if (!found) throw new TypeError('not an in-memory event store');
  return found;
};

const tryNode = (tree: MemoryTree, level: number, index: number) => {
  try {
    return tree.node(level, index);
  } catch {
    return undefined;
  }
};

const task =
  <E, A>(f: () => Either<E, A>): TaskEither<E, A> =>
  () =>
    Promise.resolve().then(f);

/**
 * The whole EventStore port in memory: for tests, examples and the demo. It keeps rows in
 * the same encoded form as the SQL stores (canonical JSON text), so what callers do with
 * events they passed in or got back can never change what is stored.
 */
export const createInMemoryEventStore = (options: InMemoryEventStoreOptions): EventStore => {
  const { registry, clock = systemClock } = options;
  const rows: StoredRow[] = [];
  const tree = new MemoryTree();
  /** The head's recorded time, kept so an append need not parse the last row's metadata. */
  let headRecordedAt: string | null = null;
  const byId = new Map<string, number>();
  const streams = new Map<string, number[]>();
  const subscriptions = subscriptionSet();
  let closed = false;

  const ifOpen = <E, A>(f: () => Either<E, A>): TaskEither<E | StoreUnavailable, A> =>
    task<E | StoreUnavailable, A>(() => (closed ? left(storeUnavailable(new Error('the in-memory event store is closed'))) : f()));

  const currentRevision = (stream: string): CurrentRevision => {
    const positions = streams.get(stream);
    return positions ? positions.length - 1 : NO_STREAM;
  };

  const insert = (stream: string, events: readonly EncodedEvent[], expected: ExpectedRevision, condition?: AppendCondition): Either<AppendError, AppendResult> => {
    const found = new Map<string, StoredAt>();
    for (const e of events) {
      const position = byId.get(e.eventId);
      if (position !== undefined) {
        const row = rows[position - 1]!;
        found.set(e.eventId, { eventId: e.eventId, stream: row.stream, revision: row.revision, position });
      }
    }
    const replay = replayIfStored(stream, events, found);
    if (replay._tag === 'Left') return replay;
    if (replay.right) return right(replay.right);
    const refused = conditionRefused(condition, currentRevision);
    if (refused) return left(refused);
    const actual = currentRevision(stream);
    if (!satisfies(expected, actual)) return left(concurrencyError(stream, expected, actual));

    const last = rows[rows.length - 1];
    const broken = checkHead(last);
    if (broken) return left(broken);
    const head: LogHead | null = last ? { position: last.position, hash: last.hash, recordedAt: headRecordedAt, storedAt: last.storedAt } : null;
    const { rows: chained, leaves, head: after } = chainAfter(head, stream, actual, events, clock.now().toISOString());
    headRecordedAt = after.recordedAt;
    const streamPositions = streams.get(stream) ?? [];
    for (const [i, row] of chained.entries()) {
      rows.push(row);
      tree.append(leaves[i]!);
      byId.set(row.eventId, row.position);
      streamPositions.push(row.position);
    }
    streams.set(stream, streamPositions);
    return right(appendedRows(stream, chained));
  };

  /** Rows read alone or by stream, each checked against the event before it. */
  const checkedEvents = (found: readonly StoredRow[]): Either<ReadError, readonly StoredEvent[]> => {
    const links = new Map<number, ChainLink>();
    for (const p of positionsBefore(found)) if (rows[p - 1]) links.set(p, linkOf(rows[p - 1]!));
    const broken = checkEvents(links, found);
    return broken ? left(broken) : decodeRows(found, registry, false);
  };

  /** Takes back every row past `length`, as a failed transaction would. */
  const rollBackTo = (length: number, recordedAt: string | null): void => {
    tree.truncate(length);
    for (const row of rows.splice(length)) {
      byId.delete(row.eventId);
      const positions = streams.get(row.stream)!;
      positions.pop();
      if (positions.length === 0) streams.delete(row.stream);
    }
    headRecordedAt = recordedAt;
  };

  const store: EventStore = {
    engine: 'memory',

    tree: {
      leafCount: async () => tree.size,
      nodes: async (keys) => keys.map((k) => tryNode(tree, k.level, k.index)),
    },

    append: (stream, events, expected, condition) =>
      ifOpen<AppendError, AppendResult>(() => {
        const prepared = prepareAppend(registry, stream, events, expected, condition);
        return prepared._tag === 'Left' ? prepared : insert(stream, prepared.right, expected, condition);
      }),

    appendBatches: (batches) =>
      ifOpen<AppendError, readonly AppendResult[]>(() => {
        const prepared = prepareBatches(registry, batches);
        if (prepared._tag === 'Left') return prepared;
        const [length, recordedAt] = [rows.length, headRecordedAt];
        const results: AppendResult[] = [];
        for (const b of prepared.right) {
          const r = insert(b.stream, b.events, b.expected);
          if (r._tag === 'Left') {
            rollBackTo(length, recordedAt);
            return r;
          }
          results.push(r.right);
        }
        return right(results);
      }),

    readStream: (stream, opts) =>
      ifOpen<ReadError, readonly StoredEvent[]>(() => {
        const range = checkStreamRange(opts);
        if (range._tag === 'Left') return range;
        const { direction, fromRevision, maxCount, raw } = range.right;
        const positions = streams.get(stream) ?? [];
        const limit = maxCount ?? positions.length;
        let selected: number[];
        if (direction === 'forward') {
          const from = fromRevision ?? 0;
          selected = positions.slice(from, from + limit);
        } else {
          const end = Math.min(fromRevision ?? positions.length, positions.length - 1) + 1;
          selected = positions.slice(Math.max(0, end - limit), end).reverse();
        }
        const found = selected.map((p) => rows[p - 1]!);
        return raw ? decodeRows(found, registry, true) : checkedEvents(found);
      }),

    readAll: (opts) =>
      ifOpen<ReadError, readonly StoredEvent[]>(() => {
        const range = checkLogRange(opts);
        if (range._tag === 'Left') return range;
        const { fromPosition, toPosition, maxCount, raw, filter } = range.right;
        if (filter) {
          const kept = rows.slice(fromPosition, toPosition).filter((r) => passes(filter, r.type, r.stream));
          const page = kept.slice(0, maxCount);
          return raw ? decodeRows(page, registry, true) : checkedEvents(page);
        }
        const end = Math.min(toPosition ?? rows.length, maxCount === undefined ? rows.length : fromPosition + maxCount);
        const page = rows.slice(fromPosition, Math.max(fromPosition, end));
        if (raw || page.length === 0) return decodeRows(page, registry, raw);
        const before = rows[fromPosition - 1];
        const broken = checkLogPage(fromPosition, before && linkOf(before), page);
        return broken ? left(broken) : decodeRows(page, registry, false);
      }),

    streamRevision: (stream) => ifOpen<ReadError, CurrentRevision>(() => right(currentRevision(stream))),

    headPosition: () => ifOpen<ReadError, number>(() => right(rows.length)),

    lastEvent: () =>
      ifOpen<ReadError, StoredEvent | null>(() => {
        const row = rows[rows.length - 1];
        if (!row) return right(null);
        const checked = checkedEvents([row]);
        return checked._tag === 'Left' ? checked : right(checked.right[0]!);
      }),

    readEvent: (eventId, opts) =>
      ifOpen<ReadError, StoredEvent | null>(() => {
        const position = byId.get(eventId);
        if (position === undefined) return right(null);
        const row = rows[position - 1]!;
        if (opts?.raw) return decodeRow(row, registry, true);
        const checked = checkedEvents([row]);
        return checked._tag === 'Left' ? checked : right(checked.right[0]!);
      }),

    subscribe: (opts) => subscriptions.track(catchUp(store, opts)),

    close: async () => {
      if (closed) return;
      await subscriptions.stopAll();
      closed = true;
    },
  };
  internals.set(store, { rows, insert });
  return store;
};
