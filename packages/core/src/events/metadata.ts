import { z } from 'zod';

/** Who did it: a responsible unit and the person in it, or a system process (the deadline check). */
export const ActorSchema = z
  .object({
    unit: z.string().min(1).optional(),
    person: z.string().min(1).optional(),
    system: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.unit !== undefined || a.system !== undefined, {
    message: 'an actor names a responsible unit or a system',
  });
export type Actor = z.infer<typeof ActorSchema>;

/** Where a figure comes from: the document it was reported in, an attachment's SHA-256, a note. */
export const SourceSchema = z
  .object({
    document: z.string().min(1).optional(),
    attachmentSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 written as 64 lower-case hex digits')
      .optional(),
    note: z.string().min(1).optional(),
  })
  .strict();
export type Source = z.infer<typeof SourceSchema>;

/**
 * A production ledger records real events, each at the time the system clock gives; a simulated
 * one (a demo, a training run) may be driven by a settable clock that moves forward only. The
 * mode is fixed when the ledger is created (LedgerCreated) and marked on every event after it.
 */
// A literal of two values, not z.enum: the quick checks (quick-check.ts) compile literals, and every event's metadata holds it.
export const LedgerModeSchema = z.literal(['production', 'simulated']);
export type LedgerMode = z.infer<typeof LedgerModeSchema>;

/**
 * Metadata every event carries. `recordedAt` is when the ledger recorded it (from the
 * injected clock); the effective date of a figure is in the event's data (`asOf`).
 * The schema version lives on the envelope beside the type (see EventEnvelope).
 */
export const MetadataSchema = z
  .object({
    actor: ActorSchema,
    recordedAt: z.iso.datetime({ offset: true }),
    correlationId: z.string().min(1),
    causationId: z.string().min(1).optional(),
    source: SourceSchema.optional(),
    /** The mode of the ledger that recorded it; absent on events of ledgers from before modes (production). */
    mode: LedgerModeSchema.optional(),
  })
  .strict();
export type Metadata = z.infer<typeof MetadataSchema>;
