import { left, right } from 'fp-ts/Either';
import { SWEEP_TRIES, sweepVerdict } from './completion-retries';
import type { LedgerFailure } from './failure';
import type { SweepResult } from './ledger';

const damaged: LedgerFailure = { _tag: 'CorruptEvent', position: 4, eventId: 'e', message: 'event 4 is damaged' } as LedgerFailure;
const unavailable: LedgerFailure = { _tag: 'StoreUnavailable', message: 'the event store failed: the database is restarting', cause: null } as LedgerFailure;
const readModelDown: LedgerFailure = { _tag: 'ProjectionFailed', message: 'SQLITE_BUSY' };
const sweep = (...failures: LedgerFailure[]): SweepResult => ({
  checked: 20,
  completed: [],
  failed: failures.map((failure, i) => ({ planId: 'harbin-2024', task: i + 1, failure })),
  stopped: null,
});

describe('what a worker does after a completion sweep', () => {
  it('is done when every check was made', () => {
    expect(sweepVerdict(right(sweep()), 1)).toBe('done');
    expect(sweepVerdict(right(sweep()), SWEEP_TRIES + 5)).toBe('done');
  });

  it('tries a sweep whose failures last again, then gives it up after the last try', () => {
    for (let attempt = 1; attempt < SWEEP_TRIES; attempt++) expect(sweepVerdict(right(sweep(damaged)), attempt)).toBe('again');
    expect(sweepVerdict(right(sweep(damaged)), SWEEP_TRIES)).toBe('give up');
    expect(sweepVerdict(left(damaged), SWEEP_TRIES)).toBe('give up');
  });

  it('tries again for as long as the store or the read model is unavailable, even beside a lasting failure', () => {
    for (const attempt of [SWEEP_TRIES, SWEEP_TRIES + 1, 100]) {
      expect(sweepVerdict(right(sweep(unavailable)), attempt)).toBe('again');
      expect(sweepVerdict(right(sweep(damaged, readModelDown)), attempt)).toBe('again');
      expect(sweepVerdict(left(unavailable), attempt)).toBe('again');
      expect(sweepVerdict(left(readModelDown), attempt)).toBe('again');
    }
  });
});
