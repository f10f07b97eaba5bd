import type { StoredEvent } from '@minsheng/core';
import type { IndexRow } from './index-rows';

/** The one projection every built-in view reads: the ledger index. Bump the version when its rows change shape. */
export const LEDGER_INDEX = 'ledger-index';
export const LEDGER_INDEX_VERSION = 1;

/** `lease-lost`: the batch was refused because the caller no longer holds the projection's lease. */
export type ApplyOutcome = 'applied' | 'checkpoint-moved' | 'lease-lost';

/**
 * The write side of a read model. A batch's rows and the checkpoint move together in
 * one transaction, guarded by a compare-and-set on the checkpoint: if another worker
 * moved it, nothing is applied and the caller re-reads it.
 */
export interface ReadModelWriter {
  /**
   * With `owner`, the batch commits only while `owner` holds a live lease on the projection
   * (checked in the same transaction): a worker whose lease expired can never commit.
   */
  applyBatch(projection: string, expectedCheckpoint: number, events: readonly StoredEvent[], owner?: string, through?: ScannedThrough): Promise<ApplyOutcome>;
  /**
   * The same for rows already made from the events (see indexRows), as a parallel catch-up
   * makes them in reader threads: `through` is the position of the batch's last event, where
   * the checkpoint moves to (events that add no row still move it).
   */
  applyRows(projection: string, expectedCheckpoint: number, through: number, rows: readonly IndexRow[], owner?: string): Promise<ApplyOutcome>;
  /** Takes the projection's lease for `ttlMs`, or renews it if `owner` holds it. False if another owner's lease is live. */
  acquireLease(projection: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(projection: string, owner: string): Promise<void>;
  /** Drops every row and resets the checkpoint to 0 (for a rebuild in place). */
  reset(projection: string): Promise<void>;
  /**
   * Optional: runs `load`, a large catch-up, in the engine's way of writing many batches fast,
   * and ends it whatever `load` does. From position 0 (`fromZero`) the indexes only queries use
   * may be built once at the end instead of row by row: queries made meanwhile are answered,
   * slowly, and a process that dies during `load` leaves them to be built when the read model
   * is next opened.
   */
  withBulkLoad?<A>(load: () => Promise<A>, options: { readonly fromZero: boolean }): Promise<A>;
  /**
   * Optional: events a batch during a large catch-up when the caller names no batch size (the
   * runner's CATCH_UP_BATCH otherwise): an engine whose every batch costs round trips to a server
   * takes larger ones.
   */
  readonly bulkBatchSize?: number;
  /**
   * Optional: builds any index a bulk load from 0 left out because its process died during it
   * (nothing when none is missing, or while a bulk load runs on this connection). A worker calls
   * it when it takes the lease: a standby that takes over does not open the read model again.
   */
  ensureIndexes?(): Promise<void>;
}

/**
 * What the runner (catchUpReadModel, runWorker, rebuildBeside) needs of any projection's read
 * side: its checkpoint, and the hash of the event applied there (see checkReadModel).
 */
export interface ProjectionReader {
  checkpoint(projection?: string): Promise<number>;
  hashAt(position: number): Promise<string | null>;
  /** Optional: the checkpoint and the hash at it (hashAt) in one read; a server's read model saves a round trip. */
  checkpointAndHash?(projection: string): Promise<AppliedAt>;
}

/** A read model's checkpoint and the hash of the event it applied there (null: it keeps none). */
export interface AppliedAt {
  readonly checkpoint: number;
  readonly hash: string | null;
}

/**
 * What the runner needs of any projection's write side: the ledger index's writer, with
 * applyRows (rows made in reader threads, the index's fast path) optional.
 */
export type ProjectionWriter = Omit<ReadModelWriter, 'applyRows'> & Partial<Pick<ReadModelWriter, 'applyRows'>>;

/**
 * Where a filtered batch ends (see ProjectionModel.filter): the last position read, and the hash
 * of the event there, which the batch need not hold. Without it, the batch's last event.
 */
export interface ScannedThrough {
  readonly position: number;
  readonly hash: string | null;
}

/** One projection as the runner runs it: the ledger index, or one made by createSqliteProjection. */
export interface ProjectionModel {
  /** The events it handles, read with this filter in the store's query (a custom projection's eventTypes and streamPrefix). */
  readonly filter?: { readonly eventTypes?: readonly string[]; readonly streamPrefix?: string };
  /** Its name in checkpoints and leases (default: the option given to the runner, else LEDGER_INDEX). */
  readonly projection?: string;
  readonly reader: ProjectionReader;
  readonly writer: ProjectionWriter;
}
