import { parsePlanText, steppingClock, type Clock, type Plan } from '@minsheng/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';

/** The Harbin 2024 plan shipped in seeds/. */
export const harbinPlanFile = join(__dirname, '..', '..', '..', '..', 'seeds', 'harbin-2024.json');

export const loadHarbinPlan = (): Plan => {
  const parsed = parsePlanText(readFileSync(harbinPlanFile, 'utf8'), harbinPlanFile);
  if (isLeft(parsed)) throw new Error(parsed.left.message);
  return parsed.right;
};

/** A clock that a test moves by hand. */
export const manualClock = (start: string): Clock & { set(at: string): void } => {
  let now = new Date(start);
  return { now: () => new Date(now.getTime()), set: (at) => (now = new Date(at)) };
};

export { steppingClock };
export { openHarbinLedger, type HarbinLedger } from './harbin-ledger';

/** Runs a TaskEither and returns its right value, or throws its left's message. */
export const run = async <E extends { message: string }, A>(te: TaskEither<E, A>): Promise<A> => {
  const r = await te();
  if (isLeft(r)) throw new Error(`${(r.left as { _tag?: string })._tag ?? 'Error'}: ${r.left.message}`);
  return r.right;
};

/** Runs a TaskEither expected to fail and returns its left. */
export const fail = async <E, A>(te: TaskEither<E, A>): Promise<E> => {
  const r = await te();
  if (!isLeft(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right)}`);
  return r.left;
};
export { statusPlan } from './status-plan';

/**
 * Task 3's two duties with no figure (儿童友好理念, 重点项目), each reported done, so that the
 * tests that complete task 3 leave the count of child-friendly communities to decide it.
 */
export const TASK3_DUTIES = [
  { task: 3, metric: 't03-child-friendly-concept', place: 'harbin', asOf: '2024-09-30', value: 'yes', responsibleUnit: 'womens-federation' },
  { task: 3, metric: 't03-child-friendly-key-projects', place: 'harbin', asOf: '2024-09-30', value: 'yes', responsibleUnit: 'ndrc' },
] as const;
