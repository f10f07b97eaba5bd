import { keyEventSignedText, progressSignedText } from '@minsheng/verify';
import type { Actor, Source } from './metadata';

/*
 * What a signature covers, as text (@minsheng/verify's signed-text.ts, which the independent
 * verifier checks with too), for the ledger's own event types. Both are pure functions of the
 * stored event, so an auditor checks a signature from the event alone: nothing but the signature
 * is kept beside it.
 */

export const PROGRESS_SIGNED_TYPES = ['ProgressReported', 'ProgressCorrected', 'ProgressRetracted'] as const;
export type ProgressSignedType = (typeof PROGRESS_SIGNED_TYPES)[number];
export const isProgressSignedType = (type: string): type is ProgressSignedType => (PROGRESS_SIGNED_TYPES as readonly string[]).includes(type);

export const KEY_EVENT_TYPES = ['SigningEnabled', 'UnitKeyRegistered', 'UnitKeyRevoked', 'SigningDisabled'] as const;
export type KeyEventType = (typeof KEY_EVENT_TYPES)[number];
export const isKeyEventType = (type: string): type is KeyEventType => (KEY_EVENT_TYPES as readonly string[]).includes(type);

/** What a progress event says that its unit asserts: the event's data (plan, task, metric, place, as-of, figure, target and reason of an amendment), who and on what evidence. Not when the ledger recorded it, nor its ids. */
export interface ProgressAssertion {
  readonly type: ProgressSignedType;
  readonly data: unknown;
  readonly metadata: { readonly actor: Actor; readonly source?: Source | undefined };
}

export const progressSignedContent = (e: ProgressAssertion): string =>
  progressSignedText({ type: e.type, data: e.data, actor: e.metadata.actor, source: e.metadata.source });

/**
 * What the administrator signs for a key event: its type and data, and `sequence`, the revision
 * it takes in the ledger stream. The sequence binds the signature to that one place: a signed
 * registration copied in again after its key was revoked does not verify.
 */
export const keyEventSignedContent = (e: { readonly type: KeyEventType; readonly data: unknown }, sequence: number): string =>
  keyEventSignedText(e, sequence);
