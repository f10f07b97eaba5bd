import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { LedgerFailure } from './failure';
import type { Ledger } from './ledger';

/**
 * A ledger call's failure as an exception: what `must` and the Promise facade reject with.
 * `failure` is the tagged LedgerFailure, to switch on as the TaskEither's left.
 */
export class LedgerCallError extends Error {
  override readonly name = 'LedgerCallError';
  constructor(readonly failure: LedgerFailure) {
    super(`${failure._tag}: ${failure.message}`);
  }
}

/**
 * Runs a ledger call a program cannot go on without: its value, or a LedgerCallError naming
 * the failure's tag and message. (The helper every embedder otherwise writes.)
 */
export const must = async <A>(call: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await call();
  if (isLeft(r)) throw new LedgerCallError(r.left);
  return r.right;
};

/** A ledger whose calls return Promises (rejecting with LedgerCallError) instead of TaskEithers. */
export type LedgerPromises = {
  readonly [K in keyof Ledger]: Ledger[K] extends (...args: infer P) => TaskEither<LedgerFailure, infer A> ? (...args: P) => Promise<A> : never;
};

/**
 * The Promise facade, for programs that do not use fp-ts: each call runs at once (a forgotten
 * `()` on a TaskEither silently does nothing; a Promise cannot be forgotten that way).
 */
export const ledgerPromises = (ledger: Ledger): LedgerPromises =>
  new Proxy({} as LedgerPromises, {
    get: (_, key) => {
      const call = (ledger as unknown as Record<PropertyKey, unknown>)[key];
      if (typeof call !== 'function') return undefined;
      return (...args: unknown[]) => must((call as (...a: unknown[]) => TaskEither<LedgerFailure, unknown>).apply(ledger, args));
    },
  });
