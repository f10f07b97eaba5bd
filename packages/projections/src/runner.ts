import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { LEDGER_INDEX, type ReadModelWriter } from './read-model/projection';
import type { ReadModelReader } from './read-model/rows';
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
}

export class ProjectionError extends Error {}

type Model = { reader: ReadModelReader; writer: ReadModelWriter };

interface Run {
  readonly store: EventStore;
  readonly model: Model;
  readonly projection: string;
  readonly batchSize: number;
  readonly head: number;
  readonly onProgress: ((checkpoint: number, head: number) => void) | undefined;
  checkpoint: number;
  applied: number;
  readerThreads: number;
}

/** Pages read in threads, applied here in log order, up to the head seen at the start. */
const applyFromThreads = async (run: Run, readers: ReaderThreads): Promise<void> => {
  const reading: ThreadReading = { threadsThatRead: 0 };
  const pages = readPagesInThreads(run.store, readers, { after: run.checkpoint, upTo: run.head }, run.batchSize, reading);
  try {
    for await (const page of pages) {
      const outcome = await run.model.writer.applyRows(run.projection, run.checkpoint, page.through, page.rows);
      // Another writer moved the checkpoint: stop reading ahead, and go on from where it is.
      if (outcome !== 'applied') break;
      run.applied += page.count;
      run.checkpoint = page.through;
      run.onProgress?.(run.checkpoint, run.head);
    }
  } catch (e) {
    if (e instanceof ReaderThreadError) throw new ProjectionError(`${run.projection}: ${e.message}`, { cause: e });
    throw e;
  } finally {
    run.readerThreads = reading.threadsThatRead;
  }
  run.checkpoint = await run.model.reader.checkpoint(run.projection);
};

/** Batches read and applied on this thread until the log has no more. */
const applyHere = async (run: Run): Promise<void> => {
  for (;;) {
    const batch = await run.store.readAll({ fromPosition: run.checkpoint, maxCount: run.batchSize })();
    if (isLeft(batch)) throw new ProjectionError(`${run.projection}: reading after position ${run.checkpoint} failed: ${batch.left.message}`);
    if (batch.right.length === 0) return;
    const outcome = await run.model.writer.applyBatch(run.projection, run.checkpoint, batch.right);
    if (outcome === 'checkpoint-moved') {
      run.checkpoint = await run.model.reader.checkpoint(run.projection);
      continue;
    }
    run.applied += batch.right.length;
    run.checkpoint = batch.right[batch.right.length - 1]!.position;
    run.onProgress?.(run.checkpoint, Math.max(run.head, run.checkpoint));
  }
};

/**
 * Brings a read model up to the head of the log: reads a batch after the checkpoint,
 * and commits its rows with the moved checkpoint in one transaction. If another worker
 * moved the checkpoint first, the batch is dropped and reading resumes from the new
 * checkpoint, so no event is applied twice or skipped. A large catch-up reads in threads
 * (with `readers`) and is written as the read model writes a bulk load (withBulkLoad).
 */
export const catchUpReadModel = async (store: EventStore, model: Model, options: CatchUpOptions = {}): Promise<CatchUpResult> => {
  const projection = options.projection ?? LEDGER_INDEX;
  // A bad thread count is refused whether or not this catch-up would have started threads.
  if (options.readers) readerThreadCount(options.readers);
  const headE = await store.headPosition()();
  if (isLeft(headE)) throw new ProjectionError(headE.left.message);
  const run: Run = {
    store,
    model,
    projection,
    batchSize: options.batchSize ?? CATCH_UP_BATCH,
    head: headE.right,
    onProgress: options.onProgress,
    checkpoint: await model.reader.checkpoint(projection),
    applied: 0,
    readerThreads: 0,
  };
  const large = run.head - run.checkpoint >= (options.largeFrom ?? LARGE_CATCH_UP);
  const load = async () => {
    if (large && options.readers) await applyFromThreads(run, options.readers);
    await applyHere(run);
  };
  if (large && model.writer.withBulkLoad) await model.writer.withBulkLoad(load, { fromZero: run.checkpoint === 0 });
  else await load();
  return { applied: run.applied, checkpoint: run.checkpoint, head: Math.max(run.head, run.checkpoint), readerThreads: run.readerThreads };
};

/** Drops the read model's rows and replays the whole log into it. */
export const rebuildReadModel = async (store: EventStore, model: Model, options: CatchUpOptions = {}): Promise<CatchUpResult> => {
  await model.writer.reset(options.projection ?? LEDGER_INDEX);
  return catchUpReadModel(store, model, options);
};
