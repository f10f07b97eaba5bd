import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { LedgerError, LedgerErrorTag } from '../errors';
import type { LedgerEvent } from '../events/events';
import type { Plan } from '../plan/schema';
import { foldState, type Decider } from './decider';

/**
 * Given/when/then for deciders, for tests only (not exported from the package):
 * given these past events, when this command, then these new events — or this
 * error, or nothing. Each outcome returns what it checked, for further assertions.
 */
export const spec = <C, S, E extends LedgerEvent>(decider: Decider<C, S, E>) => ({
  given: (events: readonly LedgerEvent[]) => ({
    when: (command: C) => {
      const result: Either<LedgerError, readonly E[]> = decider.decide(command, foldState(decider, events));
      return {
        /** The events decided, typed as the expected ones (they are equal, or the test has failed). */
        then<X extends E>(expected: readonly X[]): readonly X[] {
          expect(result).toEqual({ _tag: 'Right', right: expected });
          return isRight(result) ? (result.right as readonly X[]) : [];
        },
        thenFails(tag: LedgerErrorTag, messageIncludes?: string): LedgerError {
          expect(result).toEqual({ _tag: 'Left', left: expect.objectContaining({ _tag: tag }) });
          if (!isLeft(result)) throw new Error('unreachable: the expectation above failed');
          if (messageIncludes !== undefined) expect(result.left.message).toContain(messageIncludes);
          return result.left;
        },
        thenNothing(): void {
          expect(result).toEqual({ _tag: 'Right', right: [] });
        },
      };
    },
  }),
});

/** A 3-place mini plan (the city and two districts); each spec brings the units, deadlines and tasks it needs. */
export const miniPlan = (parts: Pick<Plan, 'responsibleUnits' | 'deadlines' | 'tasks'>): Plan => ({
  id: 'mini-2024',
  title: '迷你市民生实事工作方案',
  document: '迷政办发〔2024〕1号',
  issuedBy: '迷你市人民政府办公厅',
  publishedOn: '2024-09-23',
  periodStart: '2024-01-01',
  periodEnd: '2024-12-31',
  timeZone: '+08:00',
  places: [
    { id: 'city', name: '迷你市', kind: 'city' },
    { id: 'east', name: '东区', kind: 'district', parent: 'city' },
    { id: 'west', name: '西区', kind: 'district', parent: 'city' },
  ],
  ...parts,
});
