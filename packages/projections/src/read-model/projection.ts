import type { StoredEvent } from '@minsheng/core';

/** The one projection every built-in view reads: the ledger index. Bump the version when its rows change shape. */
export const LEDGER_INDEX = 'ledger-index';
export const LEDGER_INDEX_VERSION = 1;

export type ApplyOutcome = 'applied' | 'checkpoint-moved';

/**
 * The write side of a read model. A batch's rows and the checkpoint move together in
 * one transaction, guarded by a compare-and-set on the checkpoint: if another worker
 * moved it, nothing is applied and the caller re-reads it.
 */
export interface ReadModelWriter {
  applyBatch(projection: string, expectedCheckpoint: number, events: readonly StoredEvent[]): Promise<ApplyOutcome>;
  /** Drops every row and resets the checkpoint to 0 (for a rebuild in place). */
  reset(projection: string): Promise<void>;
}
