import { z } from 'zod';

/** Figures are exact decimals: a JSON number would pass through a float, so they are strings. */
const decimal = z.string({
  error: (iss) => (typeof iss.input === 'number' ? `must be a decimal written as a string, e.g. "${iss.input}"` : 'must be a string'),
});
const text = z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).min(1, 'must not be empty');
const date = text.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

const Source = z.object({ document: text.optional(), attachmentSha256: text.optional(), note: text.optional() }).strict();

/**
 * Who reports, on what evidence, and the figure in the shape its target's kind takes, in the
 * ledger's names: `responsibleUnit` acts, `measure` is the figure's unit of measure. `by` and
 * `unit` are their deprecated aliases, which the ledger still takes (and refuses when they differ).
 */
const Actor = { responsibleUnit: text.optional(), by: text.optional(), person: text.optional(), source: Source.optional(), correlationId: text.optional() };
const Figure = {
  value: decimal.optional(),
  measure: text.optional(),
  unit: text.optional(),
  numerator: decimal.optional(),
  denominator: decimal.optional(),
  stage: text.optional(),
};

/** The acting unit under its name, or its deprecated alias `by`: one is required, and two must agree. */
const acting = <B extends { readonly responsibleUnit?: string | undefined; readonly by?: string | undefined }>(body: B, ctx: z.RefinementCtx) => {
  const { by, responsibleUnit, ...rest } = body;
  if (responsibleUnit !== undefined && by !== undefined && responsibleUnit !== by)
    ctx.addIssue({ code: 'custom', path: ['responsibleUnit'], message: `"${responsibleUnit}" and by (its deprecated alias) "${by}" differ; give responsibleUnit alone` });
  const unit = responsibleUnit ?? by;
  if (unit === undefined) ctx.addIssue({ code: 'custom', path: ['responsibleUnit'], message: 'is required' });
  return { ...rest, responsibleUnit: unit ?? '' };
};

export const ReportBody = z
  .object({ planId: text.optional(), task: z.number({ error: 'must be a task number' }).int().positive(), metric: text, place: text, asOf: date, ...Actor, ...Figure })
  .strict()
  .transform(acting);

export const CorrectionBody = z.object({ planId: text.optional(), reason: text, asOf: date.optional(), ...Actor, ...Figure }).strict().transform(acting);

export const EventIdParams = z.object({ eventId: text });

/** A recorded time with its UTC offset, e.g. 2024-10-01T09:00:00+08:00. */
const knownAt = z.iso
  .datetime({ offset: true, error: 'must be a time with its UTC offset, e.g. 2024-10-01T09:00:00+08:00' })
  .transform((s) => new Date(s));
const Grouping = z.enum(['task', 'district', 'unit']);
const Moment = { planId: text.optional(), asOf: date.optional(), knownAt: knownAt.optional() };

export const StatusQuery = z
  .object({
    groupBy: Grouping.optional(),
    place: text.optional(),
    responsibleUnit: text.optional(),
    // Deprecated aliases of groupBy and responsibleUnit.
    by: Grouping.optional(),
    unit: text.optional(),
    ...Moment,
  })
  .strict();

export const AuditQuery = z
  .object({
    task: text.regex(/^[1-9]\d*$/, 'must be a task number').transform(Number),
    metric: text,
    place: text.optional(),
    ...Moment,
  })
  .strict();
