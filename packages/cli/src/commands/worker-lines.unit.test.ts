import { unknownTask } from '@minsheng/core';
import type { SweepResult } from '@minsheng/ledger';
import { left, right } from 'fp-ts/Either';
import { chooseLanguage } from '../language';
import { bulkLine, sweepFailure } from './worker-lines';

/*
 * A worker's bulk catch-up line and a failed sweep's words: English as the worker printed it
 * before its lines came from the catalogues, Chinese with no English word but ids and `worker`
 * (the command's name, as the worker's other Chinese lines say it).
 */
const failed = (task: number | null, n = 1): SweepResult['failed'] =>
  Array.from({ length: n }, (_, i) => ({ planId: 'harbin-2024', task: task === null ? null : task + i, failure: unknownTask(task === null ? 99 : task + i) }));

const CASES: readonly [string, () => string, string][] = [
  ['caught up, in threads', () => bulkLine({ applied: 60_000, checkpoint: 60_000, head: 60_000, readerThreads: 2, stopped: null }), 'caught up at 60000: applied 60000 events in bulk, reading in 2 threads beside this one'],
  ['one event, one thread', () => bulkLine({ applied: 1, checkpoint: 7, head: 7, readerThreads: 1, stopped: null }), 'caught up at 7: applied 1 event in bulk, reading in 1 thread beside this one'],
  ['asked to stop', () => bulkLine({ applied: 5000, checkpoint: 5000, head: 9000, readerThreads: 0, stopped: 'aborted' }), 'stopped (asked to stop) at 5000: applied 5000 events in bulk'],
  ['the lease lost', () => bulkLine({ applied: 0, checkpoint: 0, head: 9000, readerThreads: 3, stopped: 'lease-lost' }), 'stopped (the lease lapsed or went to another worker) at 0: applied 0 events in bulk, reading in 3 threads beside this one'],
  ['a failed check of a task', () => sweepFailure(right({ completed: [], checked: 20, failed: failed(7), stopped: null })).what, '1 check failed, 20 tasks checked; harbin-2024 task 7: task 7 is not in the plan'],
  ['checks failing in a row', () => sweepFailure(right({ completed: [], checked: 1, failed: failed(1, 6), stopped: 'failing' })).what,
    '6 checks failed in a row, so it stopped, 1 task checked; harbin-2024 task 1: task 1 is not in the plan; harbin-2024 task 2: task 2 is not in the plan; harbin-2024 task 3: task 3 is not in the plan; harbin-2024 task 4: task 4 is not in the plan; harbin-2024 task 5: task 5 is not in the plan; …'],
  ["the plan's own events", () => sweepFailure(right({ completed: [], checked: 0, failed: failed(null), stopped: null })).what, '1 check failed, 0 tasks checked; harbin-2024: task 99 is not in the plan'],
  ['the sweep refused', () => sweepFailure(left(unknownTask(3))).what, 'task 3 is not in the plan'],
];

describe("a worker's bulk catch-up and failed sweep lines", () => {
  afterAll(() => chooseLanguage('en'));

  it.each(CASES)('%s: English as before, Chinese with no English word', (_, line, english) => {
    chooseLanguage('en');
    expect(line()).toBe(english);
    chooseLanguage('zh-CN');
    const zh = line();
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.replace(/harbin-2024|\bworker\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  });
});
