import { HASH_VERSION, systemClock, type Clock, type EventRegistry, type StoredEvent } from '@minsheng/core';
import {
  catchUp,
  checkEvents,
  checkHead,
  checkLogPage,
  checkLogRange,
  filterParams,
  linkOf,
  checkStreamRange,
  decodeRows,
  NO_STREAM,
  prepareAppend,
  prepareBatches,
  storeUnavailable,
  subscriptionSet,
  type AppendError,
  type AppendResult,
  type CurrentRevision,
  type EventStore,
  type ReadError,
  type StoredRow,
  type StoreUnavailable,
} from '@minsheng/event-store';
import { left, right, sequenceArray, type Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { Pool, type PoolClient, type QueryArrayConfig, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';
import { rowsWithLinks, storedRowOf, type PgArrayRow } from './event-rows';
import { gatheredReads } from './gathered-reads';
import { ledgerSessionOptions } from './session';
import { LATEST_SCHEMA_VERSION, migrate, PostgresSchemaError, schemaVersion, type MigrationProgress } from './migrations';
import { ledgerNames } from './names';
import { headRowOf, insertParams, logHeadOf, statements, type AppendState } from './statements';
import { appendTree, storedTree, treeColumns } from './merkle-tree';
import { decideGroup, type PendingAppend } from './group-append';
import { groupCommit } from './group-commit';
import { inTransaction } from './transaction';
import { fastAppends, type SlowAppend } from './fast-append';

interface CommonOptions {
  /** Checks events on append and upcasts them on read; usually `ledgerRegistry`. */
  readonly registry: EventRegistry;
  /** Stamps stored_at, the time the row was written (beside metadata.recordedAt, which callers set). */
  readonly clock?: Clock;
  /** The PostgreSQL schema holding the ledger's tables. Default "minsheng". */
  readonly schema?: string;
  /**
   * Default true: bring the schema up to date on open. false: only check it, and refuse a
   * database that is not current (for a role without DDL rights; run `minsheng migrate` first).
   */
  readonly migrate?: boolean;
  /** Told of a long migration's work as it goes (migrations.ts: MigrationProgress). */
  readonly migrationProgress?: MigrationProgress;
}

export type PostgresEventStoreOptions = CommonOptions &
  (
    | {
        /** The store opens its own pool, and close() ends it. */
        readonly connectionString: string;
        /** Connections in the store's own pool. Default 10. */
        readonly poolSize?: number;
        readonly pool?: undefined;
      }
    | {
        /** A pool the caller owns: the store borrows connections from it and close() leaves it open. */
        readonly pool: Pool;
        readonly connectionString?: undefined;
        readonly poolSize?: undefined;
      }
  );

/** Test seams, not part of the package's surface. */
export interface StoreHooks {
  /**
   * Runs inside an append transaction after its rows are written, just before COMMIT, while
   * the append lock is held; for a group of single appends, once, with the streams that wrote
   * joined by commas. A rejection rolls the transaction back (reported as StoreUnavailable).
   */
  readonly beforeCommit?: (stream: string, positions: readonly number[]) => Promise<void>;
  /** Told of each fast append tried (fast-append.ts): written in one statement, or missed. Appends take the slow path only with beforeCommit. */
  readonly fastAppend?: (outcome: 'hit' | 'miss') => void;
  /** Slow appends after a fast one missed before the next is tried. Default SLOW_AFTER_MISS. */
  readonly slowAfterMiss?: number;
}

/** Appends in one group at most: bounds one transaction's length, and so how long the lock is held. */
const MAX_GROUP = 64;

/** After a fast append missed, another process is writing: this many slow appends (each seeing it writing again starts the count again). */
const SLOW_AFTER_MISS = 16;

/** A failure of the engine or the connection, as opposed to a bug in this code. */
class EngineFailure {
  constructor(readonly cause: unknown) {}
}

const engine = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err: unknown) => {
    throw new EngineFailure(err);
  });

/**
 * The PostgreSQL event store. One pool per store; every append runs in a transaction that
 * first takes the ledger's append lock (pg_advisory_xact_lock), so positions are handed
 * out in commit order and each event's predecessor in the hash chain is the last committed
 * event. Single appends that wait on one another share one transaction (group commit). When
 * the process's last append (or state read) still describes the log, an append is one
 * autocommit statement that takes the lock itself and checks that first (fast-append.ts).
 * Readers never see position N+1 before N: see docs/postgres.md. Rejects with
 * PostgresSchemaError when the database's ledger schema is newer than this build.
 */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): Promise<EventStore> => openPostgresEventStore(options, {});

export const openPostgresEventStore = async (options: PostgresEventStoreOptions, hooks: StoreHooks): Promise<EventStore> => {
  const { registry, clock = systemClock } = options;
  const names = ledgerNames(options.schema);
  if ((options.pool === undefined) === (options.connectionString === undefined))
    throw new TypeError('createPostgresEventStore needs exactly one of connectionString and pool');
  const owned = options.pool === undefined;
  const pool =
    options.pool ??
    new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, application_name: 'minsheng-ledger', options: ledgerSessionOptions() });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  if (owned) pool.on('error', () => undefined);
  try {
    if (options.migrate === false) {
      const found = await schemaVersion(pool, names.schema);
      if (found !== LATEST_SCHEMA_VERSION) throw new PostgresSchemaError(names.schema, found, LATEST_SCHEMA_VERSION);
    } else {
      await migrate(pool, { schema: names.schema, ...(options.migrationProgress ? { progress: options.migrationProgress } : {}) });
    }
  } catch (err) {
    if (owned) await pool.end().catch(() => undefined);
    throw err;
  }

  const sql = statements(names);
  const subscriptions = subscriptionSet();
  let closed = false;
  let closing: Promise<void> | undefined;

  /** Runs one call: StoreUnavailable once closed or when the engine fails; bugs still throw. */
  const task =
    <E, A>(f: () => Promise<Either<E, A>>): TaskEither<E | StoreUnavailable, A> =>
    async () => {
      if (closed) return left(storeUnavailable(new Error('the PostgreSQL event store is closed')));
      try {
        return await f();
      } catch (err) {
        if (err instanceof EngineFailure) return left(storeUnavailable(err.cause));
        throw err;
      }
    };

  const rows = async <R extends QueryResultRow>(query: QueryConfig): Promise<R[]> => (await engine(pool.query<R>(query))).rows;
  const arrayRows = async (query: QueryArrayConfig): Promise<PgArrayRow[]> => (await engine(pool.query(query))).rows;

  /** Rows read by stream or by id, each with the link before it (see event-rows.ts), checked. */
  const checkedEvents = (found: readonly PgArrayRow[]): Either<ReadError, readonly StoredEvent[]> => {
    const { rows, links } = rowsWithLinks(found);
    const broken = checkEvents(links, rows);
    return broken ? left(broken) : decodeRows(rows, registry, false);
  };

  /** Whole streams, forward: the reads of one tick share one query. */
  const wholeStream = gatheredReads<PgArrayRow>(async (streams) => {
    const byStream = new Map<string, PgArrayRow[]>();
    for (const row of await arrayRows(sql.streamsWhole(streams))) {
      const stream = row[1] as string;
      const found = byStream.get(stream);
      if (found) found.push(row);
      else byStream.set(stream, [row]);
    }
    return byStream;
  });

  /** Events by id: the reads of one tick (an audit's shown events) share one query. */
  const eventById = gatheredReads<PgArrayRow>(async (ids) => new Map((await arrayRows(sql.events(ids))).map((row) => [row[3] as string, [row]])));

  /**
   * Appends under the lock, on one connection inside its transaction: the ledger's state as
   * BEGIN read it (`begun`, see beginFor), the appends decided in JS in order (decideGroup), one
   * insert of every row of every stream, then the hook. `allOrNothing`: on the first refusal
   * nothing is written.
   */
  const writeAppends = async (
    client: PoolClient,
    appends: readonly PendingAppend[],
    allOrNothing: boolean,
    begun: unknown,
    read: (slow: Omit<SlowAppend, 'committed'>) => void,
  ): Promise<Either<AppendError, AppendResult>[]> => {
    // The append state is the last of the statements BEGIN sent (statements.ts: beginAppend).
    const state = (begun as QueryResult<AppendState>[])[2]!.rows[0]!;
    const headRow = state.head_row ? headRowOf(state.head_row) : null;
    // Nothing chains onto a damaged head, nor onto a log the Merkle tree does not cover exactly.
    const found = appendTree(state, headRow);
    const broken = checkHead(headRow ?? undefined) ?? ('broken' in found ? found.broken : null);
    const edge = 'edge' in found ? found.edge : [];
    const current = new Map(state.revisions.map((r) => [r.stream, Number(r.revision)]));
    const { answers, rows: chained, leaves, revisions } = decideGroup(
      appends,
      { head: logHeadOf(state), broken, revisions: current, found: new Map(state.found.map((at) => [at.eventId, at])) },
      clock.now().toISOString(),
    );
    const streams = new Map<string, CurrentRevision>(streamsOf(appends).map((s) => [s, current.get(s) ?? NO_STREAM]));
    const writes = chained.length > 0 && !(allOrNothing && answers.some((a) => a._tag === 'Left'));
    // Each row's Merkle nodes, from the edge read under the lock and moved on by the rows before it.
    const columns = writes ? treeColumns(edge, chained, leaves) : { params: [], edge };
    read({
      row: headRow,
      broken: broken !== null,
      revisions: streams,
      edge,
      written: writes ? chained : [],
      writtenRevisions: writes ? revisions : new Map(),
      writtenEdge: columns.edge,
    });
    if (!writes) return answers;
    await engine(client.query(sql.insertRows(...insertParams(chained, revisions, HASH_VERSION), ...columns.params)));
    if (hooks.beforeCommit) await engine(hooks.beforeCommit([...revisions.keys()].join(','), chained.map((r) => r.position)));
    return answers;
  };

  const stored = (answers: readonly Either<AppendError, AppendResult>[]) => answers.some((a) => a._tag === 'Right' && !a.right.alreadyStored);

  /** The streams a group reads: its own and its conditions'. */
  const streamsOf = (appends: readonly PendingAppend[]): string[] => [
    ...new Set(appends.flatMap((a) => (a.condition ? [a.stream, a.condition.stream] : [a.stream]))),
  ];

  /**
   * A group of single appends in one transaction under one lock (see group-commit.ts). A refused
   * append writes nothing and is answered alone; an engine failure or a rejected hook fails the
   * whole group. COMMIT when any stored events.
   */
  const beginFor = (appends: readonly PendingAppend[]): string =>
    sql.beginAppend(
      streamsOf(appends),
      appends.flatMap((a) => a.events.map((e) => e.eventId)),
    );

  const fast = fastAppends({ pool, sql, engine, slowAfterMiss: hooks.slowAfterMiss ?? SLOW_AFTER_MISS, ...(hooks.fastAppend ? { outcome: hooks.fastAppend } : {}) });

  /**
   * A group in one statement when the fast path can (not with the beforeCommit seam, which
   * needs a transaction), else in a transaction under the lock; what the slow path read and
   * wrote is what the next fast append starts from, once its transaction ended.
   */
  const appendGroupNow = async (group: readonly PendingAppend[], allOrNothing: boolean, commit: (answers: Either<AppendError, AppendResult>[]) => boolean) => {
    const quick = hooks.beforeCommit ? undefined : await fast.write(group, clock.now().toISOString());
    if (quick) return quick;
    let seen: Omit<SlowAppend, 'committed'> | undefined;
    const answers = await inTransaction(pool, beginFor(group), (client, begun) => writeAppends(client, group, allOrNothing, begun, (s) => (seen = s)), {
      commit,
      engine,
    });
    if (seen) fast.learn({ ...seen, committed: commit(answers) });
    return answers;
  };

  /*
   * One group at a time in this process. The ledger's lock orders every append anyway (held
   * until its commit is flushed), so overlapping a process's own appends gains nothing, and it
   * costs: calls to appendBatches from several writers at once all chained from the same known
   * head, one won and the rest missed and fell back to the locked path, whose appends made the
   * next fast attempts miss too (6 writers at once: every attempt missed, fast-append.int). In
   * line, each chains onto the one before and stays fast.
   */
  let lastGroup: Promise<unknown> = Promise.resolve();
  const appendGroup = (group: readonly PendingAppend[], allOrNothing: boolean, commit: (answers: Either<AppendError, AppendResult>[]) => boolean) => {
    const run = lastGroup.then(() => appendGroupNow(group, allOrNothing, commit));
    lastGroup = run.catch(() => undefined);
    return run;
  };

  const writeGroup = (group: readonly PendingAppend[]): Promise<readonly Either<AppendError, AppendResult>[]> => appendGroup(group, false, stored);
  const singles = groupCommit(writeGroup, MAX_GROUP);

  const store: EventStore = {
    engine: 'postgres',

    appendBatches: (batches) =>
      task<AppendError, readonly AppendResult[]>(async () => {
        const prepared = prepareBatches(registry, batches);
        if (prepared._tag === 'Left') return prepared;
        // Every batch in one transaction; the first refusal ends it, and nothing is committed.
        const answers = await appendGroup(prepared.right, true, (answers) => answers.every((a) => a._tag === 'Right') && stored(answers));
        return sequenceArray(answers);
      }),

    append: (stream, events, expected, condition) =>
      task<AppendError, AppendResult>(async () => {
        // Checking and serialising to canonical JSON happen before the append lock is taken.
        const prepared = prepareAppend(registry, stream, events, expected, condition);
        if (prepared._tag === 'Left') return prepared;
        return singles.submit({ stream, events: prepared.right, expected, ...(condition ? { condition } : {}) });
      }),

    readStream: (stream, opts) =>
      task<ReadError, readonly StoredEvent[]>(async () => {
        const range = checkStreamRange(opts);
        if (range._tag === 'Left') return range;
        const { direction, fromRevision, maxCount = null, raw } = range.right;
        const found =
          direction === 'backward'
            ? await arrayRows(sql.streamBackward(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount))
            : (fromRevision ?? 0) === 0 && maxCount === null
              ? await wholeStream(stream)
              : await arrayRows(sql.streamForward(stream, fromRevision ?? 0, maxCount));
        return raw ? decodeRows(found.map(storedRowOf), registry, true) : checkedEvents(found);
      }),

    readAll: (opts) =>
      task<ReadError, readonly StoredEvent[]>(async () => {
        const range = checkLogRange(opts);
        if (range._tag === 'Left') return range;
        const { fromPosition, toPosition, maxCount = null, raw, filter } = range.right;
        if (filter) {
          const { prefix } = filterParams(filter);
          const to = toPosition ?? Number.MAX_SAFE_INTEGER;
          const found = await arrayRows(sql.logFiltered(fromPosition, to, filter.eventTypes ?? null, prefix, maxCount));
          // A filtered page is not dense: each event is checked against the one before it, as a stream's are.
          return raw ? decodeRows(found.map(storedRowOf), registry, true) : checkedEvents(found);
        }
        // Positions are dense, so a page bounded by toPosition is the next (toPosition - fromPosition) rows at most.
        const count = toPosition === undefined ? maxCount : Math.max(0, Math.min(maxCount ?? Number.MAX_SAFE_INTEGER, toPosition - fromPosition));
        if (count === 0) return decodeRows([], registry, raw);
        // A checked page after position n > 0 starts at n itself: that row is the link before the rest.
        const withLink = !raw && fromPosition > 0;
        const limit = withLink && count !== null ? count + 1 : count;
        const found = (await arrayRows(sql.logPage(withLink ? fromPosition : fromPosition + 1, limit)))
          .map(storedRowOf)
          .filter((row) => toPosition === undefined || row.position <= toPosition);
        const before = withLink && found[0]?.position === fromPosition ? linkOf(found.shift()!) : undefined;
        if (raw || found.length === 0) return decodeRows(found, registry, raw);
        const broken = checkLogPage(fromPosition, before, found);
        return broken ? left(broken) : decodeRows(found, registry, false);
      }),

    streamRevision: (stream) =>
      task<ReadError, CurrentRevision>(async () => {
        const [found] = await rows<{ revision: string }>(sql.streamRevision(stream));
        return right(found ? Number(found.revision) : NO_STREAM);
      }),

    headPosition: () => task<ReadError, number>(async () => right(Number((await rows<{ head: string }>(sql.headPosition()))[0]!.head))),

    lastEvent: () =>
      task<ReadError, StoredEvent | null>(async () => {
        const found = await arrayRows(sql.last());
        if (found.length === 0) return right(null);
        const read = checkedEvents(found);
        return read._tag === 'Left' ? read : right(read.right[0]!);
      }),

    readEvent: (eventId, opts) =>
      task<ReadError, StoredEvent | null>(async () => {
        const found = await eventById(eventId);
        if (found.length === 0) return right(null);
        const read = opts?.raw ? decodeRows(found.map(storedRowOf), registry, true) : checkedEvents(found);
        return read._tag === 'Left' ? read : right(read.right[0]!);
      }),

    subscribe: (opts) => subscriptions.track(catchUp(store, opts)),

    tree: storedTree(sql, arrayRows, async () => Number((await rows<{ size: string }>(sql.treeSize()))[0]!.size ?? 0)),

    close: () =>
      (closing ??= (async () => {
        await subscriptions.stopAll();
        closed = true;
        await singles.idle();
        // pool.end() lets appends in flight finish before it ends their connections.
        if (owned) await pool.end();
      })()),
  };
  return store;
};
