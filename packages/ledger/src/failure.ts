import type { LedgerError } from '@minsheng/core';
import type { StoreError } from '@minsheng/event-store';

/** A read model could not be brought up to date or queried. */
export interface ProjectionFailed {
  readonly _tag: 'ProjectionFailed';
  readonly message: string;
}

/** Anything a ledger call can fail with: a domain refusal, a store error, or a read-model failure. Each has a one-line message. */
export type LedgerFailure = LedgerError | StoreError | ProjectionFailed;

export const projectionFailed = (e: unknown): ProjectionFailed => ({
  _tag: 'ProjectionFailed',
  message: e instanceof Error ? e.message : String(e),
});
