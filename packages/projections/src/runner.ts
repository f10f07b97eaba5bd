import type { EventStore } from '@minsheng/event-store';
import { isLeft, isRight } from 'fp-ts/Either';
import { tryCatch, type TaskEither } from 'fp-ts/TaskEither';
import { readBatch, type Batch } from './batch-read';
import { toProjectionFailure, type ProjectionFailure } from './failure';
import { LEDGER_INDEX, type ApplyOutcome, type ProjectionModel } from './read-model/projection';
import { READER_THREAD_IDLE_MS, startReaderThreads } from './reader-thread-pool';
import { checkReadModel, ProjectionError, type LogState } from './read-model-check';
import { readerThreadCount, readPagesInThreads, ReaderThreadError, type ReaderThreads, type ThreadReading } from './reader-threads';

export interface CatchUpOptions {
  readonly projection?: string;
  readonly batchSize?: number;
  /** Called after each committed batch with the checkpoint and the head of the log. */
  readonly onProgress?: (checkpoint: number, head: number) => void;
  /**
   * Read the log in these threads when the read model is far behind (a rebuild, a new worker):
   * a large catch-up (see largeFrom). The rows, their order and the checkpoints are the same.
   */
  readonly readers?: ReaderThreads;
  /** How far behind counts as a large catch-up (default LARGE_CATCH_UP); tests lower it. */
  readonly largeFrom?: number;
  /**
   * Commit only while `owner` holds the projection's lease (a worker's catch-up): each batch is
   * checked in its own transaction, and the lease is renewed between batches once a third of
   * `ttlMs` has passed since it was last taken. A lost lease stops the catch-up (`stopped`).
   */
  readonly lease?: { readonly owner: string; readonly ttlMs: number };
  /** Stops the catch-up between batches; what was committed stays. */
  readonly signal?: AbortSignal;
  /** Called after each committed batch with the checkpoint it moved to and the events it applied. */
  readonly onCommit?: (checkpoint: number, count: number) => void;
  /** Called with what the freshness check before the catch-up read (the ledger keys its kept views by it). */
  readonly onChecked?: (state: LogState) => void;
}

/**
 * How far behind a read model must be before a catch-up is a bulk load (see withBulkLoad: on
 * SQLite, WAL checkpoints in another thread and, from position 0, the index only queries use
 * built at the end) and starts reader threads. Threads take about 0.2 s to start and warm
 * up: at 20k events they made a rebuild slower (43k against 54k events/s), at 100k faster
 * (69k against 55k), measured with `pnpm bench`.
 */
export const LARGE_CATCH_UP = 50_000;

/** Events read and committed per batch unless told otherwise. */
export const CATCH_UP_BATCH = 5000;

export interface CatchUpResult {
  readonly applied: number;
  readonly checkpoint: number;
  readonly head: number;
  /** Threads that read pages of the log beside this one (0: this thread read it all). */
  readonly readerThreads: number;
  /** Why it stopped before the head: the lease went to another owner, or the signal aborted it (null: it reached the head). */
  readonly stopped: 'lease-lost' | 'aborted' | null;
}


type Model = ProjectionModel;

interface Run {
  readonly store: EventStore;
  readonly model: Model;
  readonly projection: string;
  /** Events a batch: the caller's, or the writer's for a bulk load (bulkBatchSize), or CATCH_UP_BATCH. */
  batchSize: number;
  readonly head: number;
  readonly onProgress: ((checkpoint: number, head: number) => void) | undefined;
  readonly options: CatchUpOptions;
  checkpoint: number;
  applied: number;
  readerThreads: number;
  stopped: CatchUpResult['stopped'];
  /** When the lease was last taken or renewed (options.lease). */
  leaseAt: number;
}

/**
 * Before each batch: false (and `stopped` set) when the catch-up must stop, the signal
 * having aborted it or the lease, renewed once a third of it has passed, gone to another owner.
 */
const mayGoOn = async (run: Run): Promise<boolean> => {
  if (run.stopped) return false;
  if (run.options.signal?.aborted) {
    run.stopped = 'aborted';
    return false;
  }
  const lease = run.options.lease;
  if (lease && Date.now() - run.leaseAt >= lease.ttlMs / 3) {
    if (!(await run.model.writer.acquireLease(run.projection, lease.owner, lease.ttlMs))) {
      run.stopped = 'lease-lost';
      return false;
    }
    run.leaseAt = Date.now();
  }
  return true;
};

/** Records a batch's outcome; false when the catch-up must stop (`stopped` set). */
const committed = (run: Run, outcome: ApplyOutcome, through: number, count: number): boolean => {
  if (outcome === 'lease-lost') {
    run.stopped = 'lease-lost';
    return false;
  }
  if (outcome !== 'applied') return false;
  run.applied += count;
  run.checkpoint = through;
  run.options.onCommit?.(through, count);
  run.onProgress?.(through, Math.max(run.head, through));
  return true;
};

/** Pages read in threads, applied here in log order, up to the head seen at the start. */
const applyFromThreads = async (run: Run, readers: ReaderThreads, applyRows: NonNullable<Model['writer']['applyRows']>): Promise<void> => {
  const reading: ThreadReading = { threadsThatRead: 0, threadsStarted: 0 };
  const pages = readPagesInThreads(run.store, readers, { after: run.checkpoint, upTo: run.head }, run.batchSize, reading);
  try {
    for await (const page of pages) {
      if (!(await mayGoOn(run))) break;
      const outcome = await applyRows(run.projection, run.checkpoint, page.through, page.rows, run.options.lease?.owner);
      // Another writer moved the checkpoint: stop reading ahead, and go on from where it is.
      if (!committed(run, outcome, page.through, page.count)) break;
    }
  } catch (e) {
    if (e instanceof ReaderThreadError)
      throw new ProjectionError(`${run.projection}: ${e.message}`, { cause: e, ...(e.storeError ? { storeError: e.storeError } : {}) });
    throw e;
  } finally {
    run.readerThreads = reading.threadsThatRead;
  }
  run.checkpoint = await run.model.reader.checkpoint(run.projection);
};

/**
 * Batches read and applied on this thread until the log has no more. With `readAhead` (a large
 * catch-up) the next batch is read while this one is written: on PostgreSQL reading and checking
 * a page and writing the one before take about as long each, so the catch-up takes the longer
 * of the two instead of their sum. A batch read ahead of a checkpoint another writer moved is dropped.
 */
const applyHere = async (run: Run, readAhead: boolean): Promise<void> => {
  let next: Promise<Batch | null> | null = null;
  while (await mayGoOn(run)) {
    const batch = await (next ?? readBatch(run.store, run.model, run.projection, run.checkpoint, run.batchSize, run.head));
    next = null;
    if (!batch) return;
    if (readAhead) {
      next = readBatch(run.store, run.model, run.projection, batch.through.position, run.batchSize, run.head);
      // Its failure is reported when it is awaited, or not at all when it is dropped.
      next.catch(() => undefined);
    }
    const outcome = await run.model.writer.applyBatch(run.projection, run.checkpoint, batch.events, run.options.lease?.owner, batch.through);
    if (outcome === 'checkpoint-moved') {
      next = null;
      run.checkpoint = await run.model.reader.checkpoint(run.projection);
      continue;
    }
    committed(run, outcome, batch.through.position, batch.scanned);
  }
};

/**
 * Brings a read model up to the head of the log (throwing: the package's own steps; users call
 * catchUpReadModel): reads a batch after the checkpoint,
 * and commits its rows with the moved checkpoint in one transaction. If another worker
 * moved the checkpoint first, the batch is dropped and reading resumes from the new
 * checkpoint, so no event is applied twice or skipped. A large catch-up reads in threads
 * (with `readers`) and is written as the read model writes a bulk load (withBulkLoad).
 */
export const runCatchUp = async (store: EventStore, model: Model, options: CatchUpOptions = {}): Promise<CatchUpResult> => {
  const projection = options.projection ?? model.projection ?? LEDGER_INDEX;
  // A bad thread count is refused whether or not this catch-up would have started threads.
  if (options.readers) readerThreadCount(options.readers);
  // Nothing is built on a read model that applied events the log no longer holds. The check's
  // checkpoint and head are where the catch-up starts: read once, not again.
  const state = await checkReadModel(store, model.reader, projection);
  options.onChecked?.(state);
  const run: Run = {
    store,
    model,
    projection,
    batchSize: options.batchSize ?? CATCH_UP_BATCH,
    head: state.head,
    onProgress: options.onProgress,
    options,
    checkpoint: state.checkpoint,
    applied: 0,
    readerThreads: 0,
    stopped: null,
    leaseAt: Date.now(),
  };
  // Nothing owed when the check ran (the usual case before a view): no batch is read. An event
  // appended since is as if appended just after the check: the next catch-up applies it.
  if (run.checkpoint >= run.head) return { applied: 0, checkpoint: run.checkpoint, head: run.head, readerThreads: 0, stopped: null };
  const large = run.head - run.checkpoint >= (options.largeFrom ?? LARGE_CATCH_UP);
  if (large && options.batchSize === undefined && model.writer.bulkBatchSize) run.batchSize = model.writer.bulkBatchSize;
  const load = async () => {
    // Reader threads make the ledger index's rows: only a writer that takes rows reads in them.
    if (large && options.readers && model.writer.applyRows) await applyFromThreads(run, options.readers, model.writer.applyRows.bind(model.writer));
    if (!run.stopped) await applyHere(run, large);
  };
  if (large && model.writer.withBulkLoad) await model.writer.withBulkLoad(load, { fromZero: run.checkpoint === 0 });
  else await load();
  return {
    applied: run.applied,
    checkpoint: run.checkpoint,
    head: Math.max(run.head, run.checkpoint),
    readerThreads: run.readerThreads,
    // An abort that came after the last batch stopped nothing.
    stopped: run.stopped === 'aborted' && run.checkpoint >= run.head ? null : run.stopped,
  };
};

/**
 * Drops the read model's rows and replays the whole log into it. A log large enough to read in
 * threads has them start (see startReaderThreads) while the old rows are deleted.
 */
export const runRebuild = async (store: EventStore, model: Model, options: CatchUpOptions = {}): Promise<CatchUpResult> => {
  if (options.readers) {
    // A bad thread count is refused before the read model is touched.
    const threads = readerThreadCount(options.readers);
    const head = await store.headPosition()();
    // (A head that cannot be read is reported by the catch-up.)
    const idleMs = options.readers.idleMs ?? READER_THREAD_IDLE_MS;
    if (isRight(head) && head.right >= (options.largeFrom ?? LARGE_CATCH_UP) && idleMs > 0)
      startReaderThreads(options.readers.opener, threads, idleMs);
  }
  await model.writer.reset(options.projection ?? model.projection ?? LEDGER_INDEX);
  return runCatchUp(store, model, options);
};

/**
 * Brings a read model up to the head of the log (see runCatchUp): a failure is a Left, never a
 * throw. A bad option (a thread count out of range) is a ProjectionFailed naming it.
 */
export const catchUpReadModel = (store: EventStore, model: Model, options: CatchUpOptions = {}): TaskEither<ProjectionFailure, CatchUpResult> =>
  tryCatch(() => runCatchUp(store, model, options), toProjectionFailure);

/** Drops the read model's rows and replays the whole log into it (see runRebuild); a failure is a Left. */
export const rebuildReadModel = (store: EventStore, model: Model, options: CatchUpOptions = {}): TaskEither<ProjectionFailure, CatchUpResult> =>
  tryCatch(() => runRebuild(store, model, options), toProjectionFailure);
