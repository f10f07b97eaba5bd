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
 * A signature kept with the event it signs (signed mode, see signed-content.ts): the signing key's
 * id (C2SP key id, 8 hex digits), the responsible unit whose key it is (absent when the plan
 * administrator signed a key event), and the Ed25519 signature in base64. It sits in the
 * metadata, so the event's hash and Merkle leaf cover it.
 */
export const SignatureSchema = z
  .object({
    keyId: z.string().regex(/^[0-9a-f]{8}$/, 'must be a key id: 8 lower-case hex digits'),
    unit: z.string().min(1).optional(),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be an Ed25519 signature: 64 bytes in base64'),
  })
  .strict();
export type Signature = z.infer<typeof SignatureSchema>;

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
    /** Who signed the event, on a ledger in signed mode (absent on unsigned events). */
    signature: SignatureSchema.optional(),
  })
  .strict();
export type Metadata = z.infer<typeof MetadataSchema>;
