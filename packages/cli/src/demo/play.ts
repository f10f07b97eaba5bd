import type { DeadlineMissedData, Ledger, LedgerFailure } from '@minsheng/ledger';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { Timed } from './script';
import { refusalOf } from '../refusals';

/** What happened in one month of the simulated year, by recording time. */
export interface MonthLog {
  readonly month: string;
  reports: number;
  late: number;
  corrections: number;
  retractions: number;
  refused: string[];
  completed: number[];
  missed: DeadlineMissedData[];
}

const expectRight = async <A>(te: TaskEither<LedgerFailure, A>, what: string): Promise<A> => {
  const r = await te();
  // The script is fixed: a refusal here is a bug in the demo, not bad input.
  if (isLeft(r)) throw new Error(`demo step failed (${what}): ${r.left.message}`);
  return r.right;
};

/** Plays the year into the ledger, moving the clock to each step's time. */
export const playYear = async (ledger: Ledger, clock: { set(at: Date): void }, year: readonly Timed[]): Promise<MonthLog[]> => {
  const ids = new Map<string, string>();
  const months = new Map<string, MonthLog>();
  const logOf = (at: Date): MonthLog => {
    const month = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
    if (!months.has(month))
      months.set(month, { month, reports: 0, late: 0, corrections: 0, retractions: 0, refused: [], completed: [], missed: [] });
    return months.get(month)!;
  };
  for (const { at, step } of year) {
    clock.set(at);
    const log = logOf(at);
    switch (step.type) {
      case 'report': {
        const r = await expectRight(ledger.report(step.input), step.key);
        ids.set(step.key, r.eventId);
        log.reports += 1;
        if (step.late) log.late += 1;
        if (r.completedTask) log.completed.push(r.task);
        break;
      }
      case 'correct': {
        const r = await expectRight(ledger.correct({ ...step.input, eventId: ids.get(step.of)! }), `correct ${step.of}`);
        log.corrections += 1;
        if (r.completedTask) log.completed.push(r.task);
        break;
      }
      case 'retract':
        await expectRight(ledger.retract({ ...step.input, eventId: ids.get(step.of)! }), `retract ${step.of}`);
        log.retractions += 1;
        break;
      case 'refused': {
        const r = await ledger.report(step.input)();
        if (!isLeft(r)) throw new Error('demo: a report from a unit not responsible for the task was accepted');
        log.refused.push(refusalOf(r.left));
        break;
      }
      case 'deadlines':
        log.missed.push(...(await expectRight(ledger.checkDeadlines(), 'deadline check')));
        break;
    }
  }
  return [...months.values()];
};
