import { z } from 'zod';
import { MetricLevel, TargetSchema, UnitCode } from '../kinds/schemas';
import { MetricStatusFields, PlanStatusFields } from './status-schema';

/** The languages (BCP 47 tags) a plan may name as its `locale`. */
export const PLAN_LOCALES = ['zh-CN', 'en'] as const;
export type PlanLocale = (typeof PLAN_LOCALES)[number];

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "t01-stations"');
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

/**
 * A place: the city itself, or one of its districts, county-level cities and counties; or, for a
 * province's plan, the province over its cities over their districts (three levels).
 */
export const PlaceSchema = z
  .object({
    id: Id,
    name: z.string().min(1),
    kind: z.enum(['province', 'city', 'district', 'county-city', 'county']),
    /** The place this one belongs to; the plan's top place (the city, or the province) has none. */
    parent: Id.optional(),
  })
  .strict();
export type Place = z.infer<typeof PlaceSchema>;

/**
 * A unit of measure the plan uses that is not built in (株, 盏, …). It has no conversion: it is
 * its own base, and 万 before it is 10⁴ of it (万株) without being declared.
 */
export const DeclaredUnitSchema = z.object({ name: UnitCode }).strict();
export type DeclaredUnit = z.infer<typeof DeclaredUnitSchema>;

export const ResponsibleUnitSchema = z.object({ id: Id, name: z.string().min(1) }).strict();
export type ResponsibleUnit = z.infer<typeof ResponsibleUnitSchema>;

/**
 * A deadline rule. `due` is the last day, inclusive, in the plan's time zone.
 * `completion` deadlines apply to metrics of every task (`appliesTo: all`) or only of
 * tasks flagged outdoor; `report` deadlines require at least one progress report.
 */
export const DeadlineSchema = z
  .object({
    id: Id,
    kind: z.enum(['completion', 'report']),
    due: IsoDate,
    /** `named`: only metrics that name it as their `deadline`. */
    appliesTo: z.enum(['all', 'outdoor', 'named']),
    description: z.string().min(1),
  })
  .strict();
export type Deadline = z.infer<typeof DeadlineSchema>;

export const MetricSchema = z
  .object({
    id: Id,
    name: z.string().min(1),
    /** The target as the plan writes it, e.g. "73个". */
    written: z.string().min(1).optional(),
    target: TargetSchema,
    level: MetricLevel.default('district'),
    /** Places a milestone or yes/no must reach everywhere, or the places a metric is limited to. */
    places: z.array(Id).optional(),
    /** The exact sentence or clause of the task's description this metric comes from. */
    source: z.string().min(1).optional(),
    ...MetricStatusFields,
  })
  .strict();
export type Metric = z.infer<typeof MetricSchema>;

export const TaskSchema = z
  .object({
    number: z.number().int().positive(),
    title: z.string().min(1),
    description: z.string().min(1),
    /** Responsible unit ids, the lead first. */
    responsibleUnits: z.array(Id).min(1),
    /** Outdoor construction: the earlier completion deadline applies. */
    outdoor: z.boolean(),
    metrics: z.array(MetricSchema).min(1),
  })
  .strict();
export type Task = z.infer<typeof TaskSchema>;

export const PlanSchema = z
  .object({
    id: Id,
    title: z.string().min(1),
    document: z.string().min(1),
    issuedBy: z.string().min(1),
    publishedOn: IsoDate,
    /** The period progress is pro-rated over (序时进度). */
    periodStart: IsoDate,
    periodEnd: IsoDate,
    /**
     * Days after periodEnd that a report's or correction's as-of date may still fall on
     * (year-end figures reported late); later ones are refused. Default 90.
     */
    asOfGraceDays: z.number().int().min(0).max(366).optional(),
    /** UTC offset of the plan's dates, e.g. "+08:00". */
    timeZone: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must be a UTC offset such as "+08:00"'),
    /**
     * The language people read the plan's answers in (BCP 47): the CLI's words default to it.
     * Only the languages the ledger speaks; left out, English.
     */
    locale: z.enum(PLAN_LOCALES, `must be a language the ledger speaks: ${PLAN_LOCALES.map((l) => `"${l}"`).join(' or ')}`).optional(),
    ...PlanStatusFields,
    places: z.array(PlaceSchema).min(1),
    /** Units of measure beyond the built-in ones (see DeclaredUnitSchema). */
    units: z.array(DeclaredUnitSchema).optional(),
    responsibleUnits: z.array(ResponsibleUnitSchema).min(1),
    deadlines: z.array(DeadlineSchema),
    tasks: z.array(TaskSchema).min(1),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;
