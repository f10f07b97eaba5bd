import { EVENT_SCHEMAS, CURRENT_VERSION, type LedgerEventType } from './events';
import { makeRegistry, type EventTypeDef, type Upcaster } from './registry';

/**
 * ProgressReported v1 (the first release) carried a flat `value` and `unit`, or
 * `numerator`/`denominator`, or `stage`. v2 carries one `figure` whose shape names
 * its kind. Stored v1 events are never rewritten; they are read through this.
 */
export const progressReportedV1toV2: Upcaster = (data) => {
  const { value, unit, numerator, denominator, stage, ...rest } = data as Record<string, unknown>;
  const figure =
    numerator !== undefined || denominator !== undefined
      ? { kind: 'ratio', numerator, denominator }
      : stage !== undefined
        ? { kind: 'stage', stage }
        : typeof value === 'boolean'
          ? { kind: 'flag', value }
          : { kind: 'quantity', value, unit };
  return { ...rest, figure };
};

const UPCASTERS: Partial<Record<LedgerEventType, Record<number, Upcaster>>> = {
  ProgressReported: { 1: progressReportedV1toV2 },
};

const defs: Record<string, EventTypeDef> = Object.fromEntries(
  (Object.keys(EVENT_SCHEMAS) as LedgerEventType[]).map((type) => [
    type,
    { version: CURRENT_VERSION[type], schema: EVENT_SCHEMAS[type], upcasters: UPCASTERS[type] ?? {} },
  ]),
);

/** The registry of the ledger's own events, with their upcasters. */
export const ledgerRegistry = makeRegistry(defs);
