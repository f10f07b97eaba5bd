import { isProgressSignedType, progressSignedContent, verifiesContent, type LedgerEvent, type Metadata, type Signature, type StoredEvent } from '@minsheng/core';
import { left, right, type Either } from 'fp-ts/Either';
import type { LedgerFailure } from './failure';
import { signatureRefused } from './signing-failure';
import { keyAt, signedAt, type SigningRecord } from './signing-record';

/**
 * A signature, or the signer that makes one from the content it is shown (the exact text the
 * signature must cover). A service that holds a unit's key passes a signer (@minsheng/verify's
 * signWith); one that receives a signature made at the unit's side passes it as it came.
 */
export type SignWith = Signature | ((content: string) => Signature);

export const signatureFor = (sign: SignWith, content: string): Signature => (typeof sign === 'function' ? sign(content) : sign);

/** A stored event as far as its signature goes. */
type Signed = Pick<StoredEvent, 'position' | 'type' | 'data' | 'metadata'>;

/**
 * The position of the event among `earlier` that carries this signature or was signed over this
 * same content. Ed25519 is deterministic and the signed content holds no id nor time, so a
 * signed report copied in again would verify: a signature is accepted once, and a unit that
 * states the same figure again signs a correction (its content names the report it corrects).
 */
export const replayOf = (earlier: readonly Signed[], content: string, signature: string): number | undefined =>
  earlier.find(
    (x) =>
      x.metadata.signature !== undefined &&
      isProgressSignedType(x.type) &&
      (x.metadata.signature.signature === signature || progressSignedContent({ type: x.type, data: x.data, metadata: x.metadata }) === content),
  )?.position;

/**
 * Seals the metadata of a decided progress event: on a ledger in signed mode the signature must
 * be made by a key registered now, of the unit that acts (`actor.unit`), responsible for the
 * metric, over the event's content (progressSignedContent), and not be one already recorded on
 * the stream (replayOf); it is then kept in the metadata. On an unsigned ledger a signature is refused: nothing could check it.
 */
export const sealProgress =
  (record: SigningRecord, responsibleUnits: readonly string[], sign: SignWith | undefined, nameOf: (unit: string) => string = (u) => u) =>
  (events: readonly LedgerEvent[], metadata: Metadata, earlier: readonly Signed[]): Either<LedgerFailure, Metadata> => {
    if (!record.on)
      return sign === undefined
        ? right(metadata)
        : left(signatureRefused('unsignedLedger', 'signature.unsignedLedger', {}, 'the ledger is not in signed mode, so a signature cannot be checked; nothing was written (turn signing on, or leave the signature out)'));
    const e = events[0];
    if (events.length !== 1 || !e || !isProgressSignedType(e.type)) throw new Error(`sealProgress: one progress event expected, got ${events.map((x) => x.type).join(', ')}`);
    if (sign === undefined)
      return left(signatureRefused('missing', 'signature.missing', { type: e.type }, `the ledger is in signed mode: a ${e.type} needs the signature of a registered key of a responsible unit; nothing was written`));
    const content = progressSignedContent({ type: e.type, data: e.data, metadata });
    const s = signatureFor(sign, content);
    const key = record.keys.find((k) => k.keyId === s.keyId && k.until === null);
    if (!key) {
      const past = record.keys.find((k) => k.keyId === s.keyId);
      return left(
        past
          ? signatureRefused('revoked', 'signature.revoked', { keyId: s.keyId, unit: nameOf(past.unit), position: past.until ?? '' }, `key ${s.keyId} of ${nameOf(past.unit)} was revoked at position ${past.until}; nothing was written`)
          : signatureRefused('unknownKey', 'signature.unknownKey', { keyId: s.keyId }, `key ${s.keyId} is not registered in the ledger; nothing was written`),
      );
    }
    const by = metadata.actor.unit;
    if (key.unit !== by || (s.unit !== undefined && s.unit !== key.unit))
      return left(signatureRefused('otherUnit', by === undefined ? 'signature.noUnit' : 'signature.otherUnit', { keyId: s.keyId, unit: nameOf(key.unit), type: e.type, ...(by === undefined ? {} : { by: nameOf(by) }) }, `key ${s.keyId} is ${nameOf(key.unit)}'s, but the ${e.type} is by ${by === undefined ? 'no unit' : nameOf(by)}; nothing was written`));
    if (!responsibleUnits.includes(key.unit))
      return left(signatureRefused('notResponsible', 'signature.notResponsible', { unit: nameOf(key.unit), metric: (e.data as { metric: string }).metric }, `${nameOf(key.unit)} is not responsible for metric ${(e.data as { metric: string }).metric}; nothing was written`));
    if (!verifiesContent(key.key, content, s.signature))
      return left(signatureRefused('bad', 'signature.bad', { keyId: s.keyId, type: e.type }, `the signature by key ${s.keyId} does not verify over this ${e.type}'s content (altered after signing, or not made by that key); nothing was written`));
    const original = replayOf(earlier, content, s.signature);
    if (original !== undefined)
      return left(
        signatureRefused('replayed', 'signature.replayed', { type: e.type, position: original }, `this signed ${e.type} was already recorded at position ${original}; a signature is accepted once; nothing was written (to state the same figure again, sign a correction)`),
      );
    return right({ ...metadata, signature: { keyId: key.keyId, unit: key.unit, signature: s.signature } });
  };

/** What an audit says of one event's signature, checked against the keys registered when it was recorded. */
export interface SignatureCheck {
  readonly eventId: string;
  readonly position: number;
  /** The signing unit and key id, null when the event carries no signature. */
  readonly unit: string | null;
  readonly keyId: string | null;
  /** 'verified': a key registered then signed this content; 'unsigned': recorded while signing was off; else what is wrong. */
  readonly status: 'verified' | 'unsigned' | 'missing' | 'notRegisteredThen' | 'otherUnit' | 'bad' | 'replayed';
}

/**
 * Checks a stored progress event's signature as of its position: a key revoked later still
 * verifies what it signed before. An event without a signature recorded while signed mode was
 * on was written past the ledger ('missing'), and so was one whose signature an event among
 * `earlier` (its stream before it) already carries ('replayed').
 */
export const checkStoredSignature = (
  record: SigningRecord,
  e: { readonly eventId: string; readonly position: number; readonly type: string; readonly data: unknown; readonly metadata: Metadata },
  earlier: readonly Signed[] = [],
): SignatureCheck => {
  const s = e.metadata.signature;
  const at = { eventId: e.eventId, position: e.position, unit: s?.unit ?? null, keyId: s?.keyId ?? null };
  if (!s) return { ...at, status: signedAt(record, e.position) ? 'missing' : 'unsigned' };
  const key = keyAt(record, s.keyId, e.position);
  if (!key || !isProgressSignedType(e.type)) return { ...at, status: 'notRegisteredThen' };
  if (key.unit !== s.unit || key.unit !== e.metadata.actor.unit) return { ...at, status: 'otherUnit' };
  const content = progressSignedContent({ type: e.type, data: e.data, metadata: e.metadata });
  if (!verifiesContent(key.key, content, s.signature)) return { ...at, status: 'bad' };
  return { ...at, status: replayOf(earlier.filter((x) => x.position < e.position), content, s.signature) === undefined ? 'verified' : 'replayed' };
};
