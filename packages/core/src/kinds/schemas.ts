import { z } from 'zod';
import { isDecimalString } from '../decimal';
import { UNIT_PATTERN } from '../units';

export const DecimalString = z
  .string()
  .refine(isDecimalString, { message: 'must be a decimal number written as a string, e.g. "2.55"' });

export const NonNegativeDecimal = DecimalString.refine((s) => !s.startsWith('-'), {
  message: 'must not be negative',
});

/**
 * A unit as written (个, 万元, 微克/立方米): built in, 万 before a unit, or one the plan declares
 * (the plan loader checks which; see units.ts). A unit with no conversion is its own base.
 */
export const UnitCode = z.string().regex(UNIT_PATTERN, 'must be a unit such as "个" or "万元": at most 16 characters, no digits, spaces or quotes');

/**
 * The kinds of target in a plan. They are not one number: each kind has its own
 * figure shape, roll-up from places to the city, and "met" rule (see ./rules.ts).
 */
export const TargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('atLeast'), value: NonNegativeDecimal, unit: UnitCode }).strict(),
  z
    .object({
      kind: z.literal('approximate'),
      value: NonNegativeDecimal,
      unit: UnitCode,
      /** Relative tolerance, e.g. "0.05" for ±5%; default the plan's approximateTolerance. */
      tolerance: NonNegativeDecimal.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('share'),
      /** Percent, e.g. "80" for 80%. */
      value: NonNegativeDecimal,
      unit: z.literal('%'),
      numerator: z.string().min(1),
      denominator: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('rate'),
      value: NonNegativeDecimal,
      unit: UnitCode,
      /** The rate is numerator / denominator × per (3.78 places per 1000 people: per = "1000"). */
      per: NonNegativeDecimal,
      numerator: z.string().min(1),
      denominator: z.string().min(1),
    })
    .strict(),
  z.object({ kind: z.literal('ceiling'), value: NonNegativeDecimal, unit: UnitCode }).strict(),
  z.object({ kind: z.literal('milestone'), stages: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ kind: z.literal('yesNo') }).strict(),
]);
export type Target = z.infer<typeof TargetSchema>;
export type TargetKind = Target['kind'];

/**
 * A reported figure. Its shape follows the target's kind: quantities for counts,
 * approximate targets and ceilings; numerator/denominator for shares and rates;
 * a stage for milestones; a flag for yes/no.
 */
export const FigureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('quantity'), value: NonNegativeDecimal, unit: UnitCode }).strict(),
  z.object({ kind: z.literal('ratio'), numerator: NonNegativeDecimal, denominator: NonNegativeDecimal }).strict(),
  z.object({ kind: z.literal('stage'), stage: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('flag'), value: z.boolean() }).strict(),
]);
export type Figure = z.infer<typeof FigureSchema>;

/** Where a metric is measured: per district and rolled up, or once for the whole city. */
export const MetricLevel = z.enum(['district', 'city']);
export type MetricLevel = z.infer<typeof MetricLevel>;
