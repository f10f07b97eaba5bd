import type { StoredEvent } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { LEDGER_INDEX, type ProjectionModel } from './read-model/projection';
import { readerThreadCount, ReaderThreadError, type ReaderThreads } from './reader-threads';
import { readBatch } from './batch-read';
import { checkReadModel, ProjectionError } from './read-model-check';
import { CATCH_UP_BATCH, runCatchUp, LARGE_CATCH_UP, type CatchUpResult } from './runner';

export interface WorkerOptions {
  readonly store: EventStore;
  /** Any projection: the ledger index's read model, or one made by createSqliteProjection. */
  readonly model: ProjectionModel;
  /** This worker's name in leases; unique per process (e.g. host:pid:random). */
  readonly owner: string;
  readonly projection?: string;
  /** How long a lease lasts without renewal: when an owner dies, another takes over after at most this. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /** Wait between polls once caught up, and between attempts to take a lease held by another. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Called after each committed batch. */
  readonly onBatch?: (checkpoint: number, count: number) => void;
  /**
   * Called with each committed batch while this worker holds the lease, before the next
   * batch: where policies that read the projection run (the ledger's completion policy).
   * Resolving to 'unchecked' (its checks could not be made, e.g. a stream they read is damaged)
   * owes onCaughtUp, which looks at the whole state, through this batch; the worker goes on.
   * (Without onCaughtUp, 'unchecked' changes nothing.)
   */
  readonly onApplied?: (events: readonly StoredEvent[]) => Promise<void | 'unchecked'>;
  /** Called when this worker takes or loses the lease. */
  readonly onLease?: (held: boolean) => void;
  /**
   * Read the log in these threads when the read model is far behind: at least `largeFrom`
   * events (default LARGE_CATCH_UP), as a new read model, one an upgrade dropped, or a worker
   * that was down long is. That catch-up is then a bulk load (catchUpReadModel): pages committed
   * one by one under the lease, which it renews, up to the head. Its events are not passed to
   * onApplied (see onCaughtUp). If reading in threads fails, this worker goes on batch by batch.
   */
  readonly readers?: ReaderThreads;
  readonly largeFrom?: number;
  /**
   * Called with the lease just renewed, once this worker has applied everything the log held
   * when it took the lease, and again after each catch-up in threads (finished, or failed after
   * committing pages), after another writer moved the checkpoint, and after a batch onApplied
   * left unchecked: where policies look at the whole state (the ledger's completion sweep).
   * Needed with readers and onApplied: the events of a catch-up in threads reach no onApplied,
   * and of one that stopped part way (a lost lease, a killed process) only the next holder's
   * onCaughtUp covers them. Writes that keep coming do not put it off: it waits for the
   * checkpoint to reach a position, not for the log to run out. Resolving to 'again' (a check
   * failed) has it called again, with the lease renewed, after againWaitMs (a poll, doubling);
   * batches go on being applied meanwhile. `attempt` counts the calls for the debt: 1, then 2, …
   * after each 'again'. A debt that comes while one is owed is merged into it (the count goes
   * on); once it is paid, the next starts again at 1.
   */
  readonly onCaughtUp?: (checkpoint: number, attempt: number) => Promise<void | 'again'>;
  /**
   * The caught-up signal: called when this worker, holding the lease, finds nothing after its
   * checkpoint (the head of the log), once each time it gets there: when it first catches up,
   * and again after it has applied more. Not called while it waits for the lease.
   */
  readonly onReachedHead?: (checkpoint: number) => void;
  /** Told of each catch-up in threads, whether it reached the head or stopped (for logs). */
  readonly onBulkCatchUp?: (result: CatchUpResult) => void;
  /** Told why reading in threads failed; this call of runWorker then goes on batch by batch. */
  readonly onReadersFailed?: (message: string) => void;
}

/** The longest wait before onCaughtUp is called again (see againWaitMs). */
export const MAX_AGAIN_WAIT_MS = 5000;

/** How long runWorker waits before calling onCaughtUp again after call `attempt` resolved to 'again': a poll, doubling each time, at most MAX_AGAIN_WAIT_MS. */
export const againWaitMs = (pollMs: number, attempt: number): number => Math.min(pollMs * 2 ** (attempt - 1), MAX_AGAIN_WAIT_MS);

/** Waits `ms`, or less if aborted. The abort listener is removed either way: a worker polls for days. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Runs one projection continuously. Only the holder of the projection's lease applies
 * batches, and each batch commits only if this worker still holds the lease and the
 * checkpoint is where it read it (both checked in the batch's own transaction), so two
 * workers never commit the same checkpoint move. A worker that dies stops renewing; another
 * takes the lease once it expires and resumes from the committed checkpoint.
 */
export const runWorker = async (o: WorkerOptions): Promise<void> => {
  const projection = o.projection ?? o.model.projection ?? LEDGER_INDEX;
  const leaseMs = o.leaseMs ?? 10_000;
  const pollMs = o.pollMs ?? 200;
  const batchSize = o.batchSize ?? 2000;
  if (pollMs * 2 >= leaseMs) throw new RangeError(`the lease (${leaseMs} ms) must last more than twice the poll interval (${pollMs} ms)`);
  if (o.readers) readerThreadCount(o.readers);
  if (o.readers && o.onApplied && !o.onCaughtUp)
    throw new RangeError('a worker with readers and onApplied needs onCaughtUp: the events of a catch-up in threads are not passed to onApplied');
  const largeFrom = o.largeFrom ?? LARGE_CATCH_UP;
  let held = false;
  // onCaughtUp is owed once the checkpoint reaches this position (null: not owed): the head of
  // the log when this worker took the lease or found the checkpoint moved, where a catch-up in
  // threads ended, or the end of a batch onApplied left unchecked.
  let owedThrough: number | null = null;
  // Not before this time (an onCaughtUp that asked to be called again waits a poll; a monotonic
  // clock, so that a wall clock set back does not hold it up), and which call for the debt it is.
  let owedFrom = 0;
  let attempt = 1;
  // Where this worker left the checkpoint. Found anywhere else, another writer moved it meanwhile
  // (this worker stalled past its lease and another held it, or a rebuild in place reset it):
  // what that one applied is owed onCaughtUp as a new tenure is.
  let leftAt: number | null = null;
  let readers = o.readers;
  // The checkpoint onReachedHead was last called with (null: not since this worker took the lease).
  let toldAt: number | null = null;
  const setHeld = (h: boolean) => {
    if (h !== held) o.onLease?.(h);
    held = h;
    if (!h) {
      owedThrough = leftAt = toldAt = null;
      owedFrom = 0;
    }
  };
  /** A debt: onCaughtUp is owed through `through`; merged into one already owed, whose attempts go on counting. */
  const owe = (through: number) => {
    if (!o.onCaughtUp) return;
    if (owedThrough === null) attempt = 1;
    owedThrough = Math.max(owedThrough ?? 0, through);
  };
  const headOfLog = async (): Promise<number> => {
    const head = await o.store.headPosition()();
    if (isLeft(head)) throw new ProjectionError(`${projection}: reading the head of the log failed: ${head.left.message}`, { storeError: head.left });
    return head.right;
  };
  try {
    while (!o.signal?.aborted) {
      const took = !held;
      setHeld(await o.model.writer.acquireLease(projection, o.owner, leaseMs));
      if (!held) {
        await sleep(pollMs, o.signal);
        continue;
      }
      // A holder that died during a bulk load from 0 left indexes out; this one builds them.
      if (took) await o.model.writer.ensureIndexes?.();
      // Nothing is built on a read model that applied events the log no longer holds.
      if (took) await checkReadModel(o.store, o.model.reader, projection);
      const checkpoint = await o.model.reader.checkpoint(projection);
      if (took || checkpoint !== leftAt) {
        leftAt = checkpoint;
        if (o.onCaughtUp) {
          owe(await headOfLog());
          // From the top: the lease is renewed before anything else is done.
          continue;
        }
      }
      if (owedThrough !== null && checkpoint >= owedThrough && performance.now() >= owedFrom) {
        owedThrough = null;
        if ((await o.onCaughtUp?.(checkpoint, attempt)) === 'again') {
          owedThrough = checkpoint;
          owedFrom = performance.now() + againWaitMs(pollMs, attempt);
          attempt++;
        }
        // From the top: the signal is looked at and the lease renewed after a sweep that took long.
        continue;
      }
      if (readers) {
        const head = await headOfLog();
        if (head - checkpoint >= largeFrom) {
          let caughtUp: CatchUpResult;
          try {
            caughtUp = await runCatchUp(o.store, o.model, {
              projection,
              batchSize: o.batchSize ?? CATCH_UP_BATCH,
              readers,
              largeFrom,
              lease: { owner: o.owner, ttlMs: leaseMs },
              ...(o.signal ? { signal: o.signal } : {}),
              ...(o.onBatch ? { onCommit: o.onBatch } : {}),
            });
          } catch (e) {
            if (!(e instanceof ProjectionError && e.cause instanceof ReaderThreadError)) throw e;
            // Batch by batch from here: a damaged event fails there too, and is reported then.
            readers = undefined;
            o.onReadersFailed?.(e.message);
            // The pages it committed before it failed reached no onApplied either.
            leftAt = await o.model.reader.checkpoint(projection);
            if (leftAt > checkpoint) owe(leftAt);
            continue;
          }
          o.onBulkCatchUp?.(caughtUp);
          if (caughtUp.stopped === 'lease-lost') setHeld(false);
          else {
            leftAt = caughtUp.checkpoint;
            // Its events reached no onApplied: onCaughtUp is owed for them.
            if (caughtUp.applied > 0) owe(caughtUp.checkpoint);
          }
          continue;
        }
      }
      const batch = await readBatch(o.store, o.model, projection, checkpoint, batchSize);
      if (!batch) {
        // Idle: a log that lost its last events would otherwise look caught up for ever.
        await checkReadModel(o.store, o.model.reader, projection);
        if (toldAt !== checkpoint) {
          toldAt = checkpoint;
          o.onReachedHead?.(checkpoint);
        }
        await sleep(pollMs, o.signal);
        continue;
      }
      const outcome = await o.model.writer.applyBatch(projection, checkpoint, batch.events, o.owner, batch.through);
      if (outcome === 'lease-lost') setHeld(false);
      else if (outcome === 'applied') {
        const through = batch.through.position;
        leftAt = through;
        o.onBatch?.(through, batch.scanned);
        // Its checks could not be made: onCaughtUp, which looks at the whole state, is owed for them.
        if ((await o.onApplied?.(batch.events)) === 'unchecked') owe(through);
      }
    }
  } finally {
    if (held) await o.model.writer.releaseLease(projection, o.owner);
  }
};
