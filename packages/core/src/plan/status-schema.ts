import { z } from 'zod';
import { NonNegativeDecimal } from '../kinds/schemas';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "t01-stations"');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

/**
 * Where a metric stood when the period began, in the target's unit (percent for a share).
 * Progress is measured from it: (value − baseline) / (target − baseline).
 */
export const BaselineSchema = z.object({ value: NonNegativeDecimal, asOf: IsoDate }).strict();
export type Baseline = z.infer<typeof BaselineSchema>;

/**
 * The pace a metric is expected to keep (序时进度): linear over the period (the default), a
 * construction season (nothing expected before `start`, all by `end`), nothing before the
 * period's end, or explicit points (percent of the way expected by each date).
 */
export const ScheduleSchema = z.discriminatedUnion('profile', [
  z.object({ profile: z.literal('linear') }).strict(),
  z.object({ profile: z.literal('season'), start: IsoDate, end: IsoDate }).strict(),
  z.object({ profile: z.literal('periodEnd') }).strict(),
  z
    .object({
      profile: z.literal('points'),
      points: z.array(z.object({ date: IsoDate, percent: NonNegativeDecimal }).strict()).min(1),
    })
    .strict(),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;

/** A city target's part given to one place (任务分解): the place's own target, in the target's unit. */
export const AllocationSchema = z.object({ place: Id, value: NonNegativeDecimal, baseline: BaselineSchema.optional() }).strict();
export type Allocation = z.infer<typeof AllocationSchema>;

/** A setting the source does not state, with the reason the plan's author gives for it. */
export const ReasonedSetting = z.object({ value: NonNegativeDecimal, reason: z.string().min(1) }).strict();
export type ReasonedSetting = z.infer<typeof ReasonedSetting>;

/** The fields a metric may add to say how its status is judged. Every one is optional. */
export const MetricStatusFields = {
  /** Responsible unit ids for this metric's duty, the lead first; default the task's. */
  responsibleUnits: z.array(Id).min(1).optional(),
  baseline: BaselineSchema.optional(),
  schedule: ScheduleSchema.optional(),
  /** An annual statistic: known only from a figure as of the period's end; earlier figures are provisional. */
  measuredAtPeriodEnd: z.boolean().optional(),
  /** A completion deadline's id (one of `deadlines`) that replaces the plan-wide completion deadlines for this metric. */
  deadline: Id.optional(),
  allocation: z.array(AllocationSchema).min(1).optional(),
  /** Where each value comes from, by field name: the source text, or "assumption: …". */
  sources: z.record(z.string(), z.string().min(1)).optional(),
};

/** Plan-level status settings. */
export const PlanStatusFields = {
  /** How many percentage points behind the schedule a metric may be and still be on track. Default "10". */
  onTrackTolerance: ReasonedSetting.optional(),
  /** The relative band of 左右 ("0.05" for ±5%) for approximate targets that give none. */
  approximateTolerance: ReasonedSetting.optional(),
};
