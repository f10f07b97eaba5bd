/*
 * How a projection worker retries the completion policy: `minsheng worker` and the HTTP service
 * example both follow these rules.
 */
import type { Either } from 'fp-ts/Either';
import { isTransient, type LedgerFailure } from './failure';
import type { SweepResult } from './ledger';

/** Tries of a batch's completion check, a poll apart (the lease is not renewed meanwhile), before it is left to the sweep. */
export const CHECK_TRIES = 3;

/** Tries of a sweep whose failures last (damaged events, not an unavailable store), before it is given up. */
export const SWEEP_TRIES = 3;

/**
 * What a worker does after a sweep of every task (`attempt` of the debt): nothing more when every
 * check was made; try it again (runWorker's 'again'); or give it up until the sweep is next owed.
 * A failure that may pass on its own (the store or read model unavailable) is tried again for as
 * long as it lasts: giving up then would lose the check of a batch left to the sweep. One that
 * lasts (a task's events damaged) is given up after SWEEP_TRIES: it must not keep the worker
 * sweeping.
 */
export const sweepVerdict = (r: Either<LedgerFailure, SweepResult>, attempt: number): 'done' | 'again' | 'give up' => {
  if (r._tag === 'Right' && r.right.failed.length === 0) return 'done';
  const passing = r._tag === 'Left' ? isTransient(r.left) : r.right.failed.some((f) => isTransient(f.failure));
  return passing || attempt < SWEEP_TRIES ? 'again' : 'give up';
};

/** One failed check of a sweep, as a line says it: the plan, the task (none: the plan's own events) and why. */
export const failedCheckText = (f: SweepResult['failed'][number]): string =>
  `${f.planId}${f.task === null ? '' : ` task ${f.task}`}: ${f.failure.message}`;
