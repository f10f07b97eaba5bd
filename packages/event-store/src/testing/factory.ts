import { newEventId, type Actor, type EventEnvelope, type EventRegistry, type Figure, type LedgerEventData } from '@minsheng/core';
import { right } from 'fp-ts/Either';

export const TEST_PLAN_ID = 'harbin-2024-livelihood';

/** Harbin's districts, as reports name them. */
export const HARBIN_DISTRICTS = ['道里区', '南岗区', '道外区', '香坊区', '平房区', '松北区', '呼兰区', '阿城区', '双城区'] as const;

export interface TestEventOptions {
  readonly eventId?: string;
  readonly task?: number;
  readonly metric?: string;
  readonly place?: string;
  readonly asOf?: string;
  /** The figure; default a quantity of `value` `unit`. */
  readonly figure?: Figure;
  readonly value?: string;
  readonly unit?: string;
  readonly actor?: Actor;
  readonly recordedAt?: string;
  readonly correlationId?: string;
  readonly note?: string;
}

export type ProgressReport = EventEnvelope<LedgerEventData<'ProgressReported'>>;

/** A valid, current-version ProgressReported: a district education bureau reporting new kindergarten places. */
export const makeTestEvent = (o: TestEventOptions = {}): ProgressReport => ({
  eventId: o.eventId ?? newEventId(),
  type: 'ProgressReported',
  schemaVersion: 2,
  data: {
    planId: TEST_PLAN_ID,
    task: o.task ?? 7,
    metric: o.metric ?? 'new-public-kindergarten-places',
    place: o.place ?? '道里区',
    asOf: o.asOf ?? '2024-06-30',
    figure: o.figure ?? { kind: 'quantity', value: o.value ?? '1200', unit: o.unit ?? '个' },
  },
  metadata: {
    actor: o.actor ?? { unit: 'daoli-education-bureau', person: '张伟' },
    recordedAt: o.recordedAt ?? '2024-07-01T09:30:00+08:00',
    correlationId: o.correlationId ?? `req-${newEventId()}`,
    ...(o.note === undefined ? {} : { source: { document: '哈政办发〔2024〕3号', note: o.note } }),
  },
});

/** `count` valid reports with distinct values, cycling through the districts. */
export const makeTestEvents = (count: number, o: TestEventOptions = {}): ProgressReport[] =>
  Array.from({ length: count }, (_, i) =>
    makeTestEvent({ place: HARBIN_DISTRICTS[i % HARBIN_DISTRICTS.length], value: String(100 + i), ...o }),
  );

/** A ProgressReported as the first release wrote it (v1: flat value and unit), which new code must upcast. */
export const makeV1Report = (o: { eventId?: string; value?: string; unit?: string; place?: string } = {}): EventEnvelope => {
  const v2 = makeTestEvent({ place: o.place ?? '南岗区' });
  return {
    ...v2,
    eventId: o.eventId ?? v2.eventId,
    schemaVersion: 1,
    data: {
      planId: v2.data.planId,
      task: v2.data.task,
      metric: v2.data.metric,
      place: v2.data.place,
      asOf: v2.data.asOf,
      value: o.value ?? '2.55',
      unit: o.unit ?? '万人',
    },
  };
};

/**
 * Accepts anything. Adapters give it to a second store on the same storage to write
 * events no current code would accept (the contract's `seedRaw` hook). Never for real use.
 */
export const permissiveRegistry: EventRegistry = { checkNew: right, upcast: right };
