import type { ReasonCode, ReasonFields } from '@minsheng/core';

/** Why a signature was refused; each has its own sentence (SignatureRefused.message). */
export type SignatureProblem = 'missing' | 'unknownKey' | 'revoked' | 'otherUnit' | 'notResponsible' | 'bad' | 'unsignedLedger' | 'replayed';

/** A report, correction or retraction whose signature the ledger in signed mode does not accept. Nothing is written. */
export interface SignatureRefused {
  readonly _tag: 'SignatureRefused';
  readonly problem: SignatureProblem;
  readonly code: ReasonCode;
  readonly fields: ReasonFields;
  readonly message: string;
}

/** A key event (signing on or off, a key registered or revoked) refused: its administrator's signature or its content. Nothing is written. */
export interface KeyEventRefused {
  readonly _tag: 'KeyEventRefused';
  readonly code: ReasonCode;
  readonly fields: ReasonFields;
  readonly message: string;
}

/**
 * An event of the ledger stream that signed mode rests on does not verify (a key event whose
 * administrator's signature fails, or a key event with no signed mode before it): someone wrote
 * it past the ledger. Every write that needs the signing record is refused until it is examined.
 */
export interface SigningRecordDamaged {
  readonly _tag: 'SigningRecordDamaged';
  readonly position: number;
  readonly eventId: string;
  /** 'signing.recordDamaged'; fields: position, type, eventId, and `damage` (why, a SigningDamage) with the values it names. */
  readonly code: ReasonCode;
  readonly fields: ReasonFields;
  readonly message: string;
}

export type SigningFailure = SignatureRefused | KeyEventRefused | SigningRecordDamaged;

/** Why a key event of the stream does not verify (SigningRecordDamaged's `damage` field), for a translation to say it. */
export type SigningDamage = 'onAlready' | 'adminKey' | 'noSignature' | 'otherKey' | 'badSignature' | 'notOn' | 'keyMismatch';

export const signatureRefused = (problem: SignatureProblem, code: ReasonCode, fields: ReasonFields, message: string): SignatureRefused => ({
  _tag: 'SignatureRefused',
  problem,
  code,
  fields,
  message,
});
export const keyEventRefused = (code: ReasonCode, fields: ReasonFields, message: string): KeyEventRefused => ({ _tag: 'KeyEventRefused', code, fields, message });
