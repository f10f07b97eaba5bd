import { z } from 'zod';
import { FigureSchema, MetricLevel, TargetSchema } from '../kinds/schemas';
import { IsoDate, PlanSchema } from '../plan/schema';
import { AllocationSchema, BaselineSchema, ScheduleSchema } from '../plan/status-schema';
import { LedgerModeSchema } from './metadata';

const EventId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an event id (a ULID)');

/**
 * The plan's frame: its places, responsible units and deadline rules, exactly as the plan file
 * has them (so one schema says what both may hold). Published again when they change.
 */
export const PlanPublished = PlanSchema.pick({
  title: true,
  document: true,
  issuedBy: true,
  publishedOn: true,
  periodStart: true,
  periodEnd: true,
  asOfGraceDays: true,
  timeZone: true,
  locale: true,
  onTrackTolerance: true,
  approximateTolerance: true,
  places: true,
  responsibleUnits: true,
  deadlines: true,
})
  .extend({
    planId: z.string().min(1),
    tasks: z.array(z.object({ number: z.number().int().positive(), title: z.string().min(1) }).strict()),
  })
  .strict();

/** A target for (plan, task, metric): setting it again revises it; the old one stays in history. */
export const TargetSet = z
  .object({
    planId: z.string().min(1),
    task: z
      .object({
        number: z.number().int().positive(),
        title: z.string().min(1),
        description: z.string().min(1),
        outdoor: z.boolean(),
      })
      .strict(),
    /** Responsible unit ids of this metric's duty, the lead first (the task's, unless the plan names the metric's own). */
    responsibleUnits: z.array(z.string().min(1)).min(1),
    metric: z
      .object({
        id: z.string().min(1),
        name: z.string().min(1),
        written: z.string().min(1).optional(),
        level: MetricLevel,
        places: z.array(z.string().min(1)).optional(),
        baseline: BaselineSchema.optional(),
        schedule: ScheduleSchema.optional(),
        measuredAtPeriodEnd: z.boolean().optional(),
        allocation: z.array(AllocationSchema).optional(),
      })
      .strict(),
    target: TargetSchema,
    /** Deadline ids that apply to this metric. */
    deadlines: z.array(z.string().min(1)),
  })
  .strict();

/** A responsible unit reports a cumulative figure for (task, metric, place) as of a date. */
export const ProgressReported = z
  .object({
    planId: z.string().min(1),
    task: z.number().int().positive(),
    metric: z.string().min(1),
    place: z.string().min(1),
    asOf: IsoDate,
    figure: FigureSchema,
  })
  .strict();

/** A report's figure (and optionally its effective date) was wrong; this one replaces it. The original stays. */
export const ProgressCorrected = z
  .object({
    planId: z.string().min(1),
    task: z.number().int().positive(),
    metric: z.string().min(1),
    place: z.string().min(1),
    corrects: EventId,
    asOf: IsoDate,
    figure: FigureSchema,
    reason: z.string().min(1),
  })
  .strict();

/** A report should not have been made at all; it no longer counts. The original stays. */
export const ProgressRetracted = z
  .object({
    planId: z.string().min(1),
    task: z.number().int().positive(),
    metric: z.string().min(1),
    place: z.string().min(1),
    retracts: EventId,
    reason: z.string().min(1),
  })
  .strict();

/** A figure that satisfied a target, named by the completion. */
export const SatisfyingFigure = z
  .object({
    metric: z.string().min(1),
    value: z.string().nullable(),
    target: z.string(),
    /** The report and correction events the figure was computed from. */
    events: z.array(EventId),
  })
  .strict();

/** Every target of the task is met. Recorded once per task. */
export const TaskCompleted = z
  .object({
    planId: z.string().min(1),
    task: z.number().int().positive(),
    completedOn: IsoDate,
    figures: z.array(SatisfyingFigure).min(1),
  })
  .strict();

/** A deadline passed with the target not met, or with no progress report. Recorded once per (task, metric, deadline). */
export const DeadlineMissed = z
  .object({
    planId: z.string().min(1),
    task: z.number().int().positive(),
    metric: z.string().min(1),
    deadline: z.string().min(1),
    kind: z.enum(['completion', 'report']),
    due: IsoDate,
    /** The figure at the deadline, in the target's unit, or null if nothing was reported. */
    value: z.string().nullable(),
    target: z.string(),
    /** How far short: in the target's unit, "n places", or "no report". */
    shortfall: z.string().nullable(),
  })
  .strict();

/**
 * The ledger was created, production or simulated: the first event of a ledger, in its own
 * stream (LEDGER_STREAM), written once. A ledger without it (made before modes) is production.
 */
export const LedgerCreated = z.object({ mode: LedgerModeSchema }).strict();

const KeyId = z.string().regex(/^[0-9a-f]{8}$/, 'must be a key id: 8 lower-case hex digits');
/** A verifier key in the C2SP note encoding, name+keyid+base64; the ledger parses it before writing. */
const VerifierKeyText = z.string().min(1).max(400);

/**
 * Signed mode begins: from here on a report, correction or retraction needs the signature of a
 * registered key of a responsible unit. Names the plan administrator's verifier key, which signs
 * this event and every key event after it, up to SigningDisabled. On the ledger stream.
 */
export const SigningEnabled = z.object({ adminKey: VerifierKeyText }).strict();

/** A responsible unit's verifier key, registered by the administrator (its signature in the metadata). */
export const UnitKeyRegistered = z.object({ unit: z.string().min(1), key: VerifierKeyText, keyId: KeyId }).strict();

/** A unit's key no longer signs: events it signed before stay valid; new ones are refused. */
export const UnitKeyRevoked = z.object({ unit: z.string().min(1), keyId: KeyId, reason: z.string().min(1).optional() }).strict();

/** Signed mode ends, by the administrator's signed word; unsigned writes are accepted again. */
export const SigningDisabled = z.object({ reason: z.string().min(1).optional() }).strict();

export const EVENT_SCHEMAS = {
  LedgerCreated,
  PlanPublished,
  TargetSet,
  ProgressReported,
  ProgressCorrected,
  ProgressRetracted,
  TaskCompleted,
  DeadlineMissed,
  SigningEnabled,
  UnitKeyRegistered,
  UnitKeyRevoked,
  SigningDisabled,
} as const;

export type LedgerEventType = keyof typeof EVENT_SCHEMAS;
export type LedgerEventData<T extends LedgerEventType = LedgerEventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

/**
 * A domain event as deciders produce and evolve consume it. Stored events carry their
 * `eventId`, and `by`: the responsible unit that recorded it (its metadata's actor), if a unit did.
 */
export type LedgerEvent = {
  [T in LedgerEventType]: { readonly type: T; readonly data: LedgerEventData<T>; readonly eventId?: string; readonly by?: string };
}[LedgerEventType];

export type EventOf<T extends LedgerEventType> = Extract<LedgerEvent, { type: T }>;

/** The current schema version of every event type. Older versions are upcast on read (see ./upcasting.ts). */
export const CURRENT_VERSION: Readonly<Record<LedgerEventType, number>> = {
  LedgerCreated: 1,
  PlanPublished: 1,
  TargetSet: 1,
  ProgressReported: 2,
  ProgressCorrected: 1,
  ProgressRetracted: 1,
  TaskCompleted: 1,
  DeadlineMissed: 1,
  SigningEnabled: 1,
  UnitKeyRegistered: 1,
  UnitKeyRevoked: 1,
  SigningDisabled: 1,
};
