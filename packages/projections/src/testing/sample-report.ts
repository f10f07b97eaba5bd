import { newEventId } from '@minsheng/core';

/** A ProgressReported of `i` 个 at `place`, recorded `i` seconds into 1 March 2024: the runner's test events. */
export const sampleReport = (place: string, i: number) => ({
  eventId: newEventId(),
  type: 'ProgressReported',
  schemaVersion: 2,
  data: { planId: 'p', task: 1, metric: 'm', place, asOf: '2024-03-01', figure: { kind: 'quantity', value: String(i), unit: '个' } },
  metadata: { actor: { unit: 'u' }, recordedAt: new Date(Date.UTC(2024, 2, 1, 0, 0, i)).toISOString(), correlationId: 'c' },
});
