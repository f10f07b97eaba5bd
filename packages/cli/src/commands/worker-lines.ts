import type { LedgerFailure, SweepResult } from '@minsheng/ledger';
import type { CatchUpResult } from '@minsheng/projections';
import type { Either } from 'fp-ts/Either';
import { t } from '../language';
import { refusalOf } from '../refusals';

/*
 * The words of a running worker's longer lines (commands/worker.ts), built from what the ledger
 * and the projection runner return: a catch-up in bulk, a completion sweep that failed.
 */

/** The failed checks an error line names (it gives the count of all). */
const FAILURES_SHOWN = 5;

/** One failed check of a sweep, as a line says it: the plan, the task (none: the plan's own events) and why. */
const failedCheckText = ({ planId, task, failure }: SweepResult['failed'][number]): string =>
  task === null ? t('worker.log.sweep.plan', { plan: planId, reason: refusalOf(failure) }) : t('worker.log.sweep.task', { plan: planId, task, reason: refusalOf(failure) });

/** An error line's fields (--json: the ledger's sentences, unchanged) and words for a sweep that failed. */
export const sweepFailure = (r: Either<LedgerFailure, SweepResult>): { fields: Record<string, unknown>; what: string } => {
  if (r._tag === 'Left') return { fields: { message: r.left.message }, what: refusalOf(r.left) };
  const { failed, checked, stopped } = r.right;
  const shown = failed.slice(0, FAILURES_SHOWN);
  const checks = shown.map(failedCheckText).join(t('worker.log.sweep.separator')) + (failed.length > FAILURES_SHOWN ? `${t('worker.log.sweep.separator')}…` : '');
  return {
    fields: { failed: shown.map(({ planId, task, failure }) => ({ planId, task, message: failure.message })), failedCount: failed.length, checked, stopped },
    what: t('worker.log.sweep.checked', {
      failed: t(stopped === 'failing' ? 'worker.log.sweep.failedInARow' : 'worker.log.sweep.failed', { count: failed.length }),
      count: checked,
      checks,
    }),
  };
};

/** A catch-up in bulk: where it stopped and why, what it applied, in how many threads. */
export const bulkLine = (r: CatchUpResult): string =>
  t('worker.log.bulk', {
    how: t(r.stopped === null ? 'worker.log.bulk.caughtUp' : r.stopped === 'aborted' ? 'worker.log.bulk.aborted' : 'worker.log.bulk.leaseLost'),
    checkpoint: r.checkpoint,
    applied: t('worker.log.bulk.events', { count: r.applied }),
    threads: r.readerThreads ? t('worker.log.bulk.threads', { count: r.readerThreads }) : '',
  });
