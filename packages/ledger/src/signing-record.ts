import {
  isKeyEventType,
  keyEventSignedContent,
  LEDGER_STREAM,
  parseUnitVerifierKey,
  verifiesContent,
  type LedgerEventData,
  type StoredEvent,
  type UnitVerifierKey,
} from '@minsheng/core';
import { NO_STREAM, type EventStore, type ExpectedRevision } from '@minsheng/event-store';
import { left, right, type Either } from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerFailure } from './failure';
import type { SigningDamage, SigningRecordDamaged } from './signing-failure';

/** A unit's key and the log positions between which it signs: registered at `from`, until revoked (or signing turned off) at `until`. */
export interface KeyPeriod {
  readonly unit: string;
  readonly keyId: string;
  readonly key: UnitVerifierKey;
  readonly from: number;
  readonly until: number | null;
}

/** The log positions between which signed mode was on, and the administrator's key then. */
export interface SignedPeriod {
  readonly admin: UnitVerifierKey;
  readonly from: number;
  readonly until: number | null;
}

/**
 * Signed mode as the ledger stream records it, every key event's administrator signature checked
 * on the way: whether it is on now, every key and period ever, and the stream's revision (the next
 * key event is appended at it, so two administrators racing cannot both write).
 */
export interface SigningRecord {
  readonly on: boolean;
  readonly admin: UnitVerifierKey | null;
  readonly keys: readonly KeyPeriod[];
  readonly periods: readonly SignedPeriod[];
  readonly revision: ExpectedRevision;
}

/** Why a key event does not verify: a SigningDamage and the values its sentence names. */
type Damage = { readonly damage: SigningDamage; readonly keyId?: string; readonly adminKeyId?: string; readonly reason?: string };

const DAMAGE: Readonly<Record<SigningDamage, (d: Damage) => string>> = {
  onAlready: () => 'signed mode is on already',
  adminKey: (d) => `its administrator key: ${d.reason}`,
  noSignature: () => 'it carries no administrator signature',
  otherKey: (d) => `it is signed by key ${d.keyId}, not by the administrator's key ${d.adminKeyId}`,
  badSignature: () => 'its administrator signature does not verify',
  notOn: () => 'signed mode is not on',
  keyMismatch: (d) => `its key does not match key id ${d.keyId}`,
};

const damaged = (e: StoredEvent, why: Damage): SigningRecordDamaged => ({
  _tag: 'SigningRecordDamaged',
  position: e.position,
  eventId: e.eventId,
  code: 'signing.recordDamaged',
  fields: { position: e.position, type: e.type, eventId: e.eventId, ...why },
  message: `the ledger's signing record is damaged at position ${e.position} (${e.type} ${e.eventId}): ${DAMAGE[why.damage](why)}; nothing that needs it is written until it is examined`,
});

/** Whether the key event carries `admin`'s valid signature for its place in the ledger stream. */
const adminSigned = (e: StoredEvent, admin: UnitVerifierKey): Damage | null => {
  const s = e.metadata.signature;
  if (!s) return { damage: 'noSignature' };
  if (s.keyId !== admin.keyId) return { damage: 'otherKey', keyId: s.keyId, adminKeyId: admin.keyId };
  if (!isKeyEventType(e.type) || !verifiesContent(admin, keyEventSignedContent({ type: e.type, data: e.data }, e.revision), s.signature))
    return { damage: 'badSignature' };
  return null;
};

/** Folds the ledger stream's events into the signing record; a key event that does not verify is damage, never skipped. */
export const foldSigningRecord = (events: readonly StoredEvent[]): Either<SigningRecordDamaged, SigningRecord> => {
  let admin: UnitVerifierKey | null = null;
  const keys: KeyPeriod[] = [];
  const periods: SignedPeriod[] = [];
  const close = (at: number, which: (k: KeyPeriod) => boolean) => {
    for (let i = 0; i < keys.length; i++) if (keys[i]!.until === null && which(keys[i]!)) keys[i] = { ...keys[i]!, until: at };
  };
  for (const e of events) {
    if (!isKeyEventType(e.type)) continue;
    if (e.type === 'SigningEnabled') {
      if (admin) return left(damaged(e, { damage: 'onAlready' }));
      const key = parseUnitVerifierKey((e.data as LedgerEventData<'SigningEnabled'>).adminKey);
      if (typeof key === 'string') return left(damaged(e, { damage: 'adminKey', reason: key }));
      const bad = adminSigned(e, key);
      if (bad) return left(damaged(e, bad));
      admin = key;
      periods.push({ admin, from: e.position, until: null });
      continue;
    }
    if (!admin) return left(damaged(e, { damage: 'notOn' }));
    const bad = adminSigned(e, admin);
    if (bad) return left(damaged(e, bad));
    if (e.type === 'UnitKeyRegistered') {
      const d = e.data as LedgerEventData<'UnitKeyRegistered'>;
      const key = parseUnitVerifierKey(d.key);
      if (typeof key === 'string' || key.keyId !== d.keyId) return left(damaged(e, { damage: 'keyMismatch', keyId: d.keyId }));
      keys.push({ unit: d.unit, keyId: d.keyId, key, from: e.position, until: null });
    } else if (e.type === 'UnitKeyRevoked') {
      const d = e.data as LedgerEventData<'UnitKeyRevoked'>;
      close(e.position, (k) => k.keyId === d.keyId && k.unit === d.unit);
    } else {
      close(e.position, () => true);
      periods[periods.length - 1] = { ...periods[periods.length - 1]!, until: e.position };
      admin = null;
    }
  }
  const last = events[events.length - 1];
  return right({ on: admin !== null, admin, keys, periods, revision: last ? last.revision : NO_STREAM });
};

/**
 * Folded records by the hash of the ledger stream's last event. That hash chains every event
 * before it, so an unchanged hash is an unchanged stream: its key events' signatures (one
 * Ed25519 check each) are not checked again on every report. Bounded: a process serves few ledgers.
 */
const folded = new Map<string, SigningRecord>();
const FOLDED_MAX = 64;

/** The ledger stream's events (read checked) folded into its signing record, once per last hash. */
export const signingRecordOf = (events: readonly StoredEvent[]): Either<SigningRecordDamaged, SigningRecord> => {
  const last = events[events.length - 1];
  const key = last ? `${last.revision}:${last.hash}` : null;
  const known = key === null ? undefined : folded.get(key);
  if (known) return right(known);
  const r = foldSigningRecord(events);
  if (key !== null && r._tag === 'Right') {
    if (folded.size >= FOLDED_MAX) folded.clear();
    folded.set(key, r.right);
  }
  return r;
};

/** Reads the ledger stream (a handful of events, a checked read) and folds it: done before every write that signed mode governs. */
export const readSigningRecord = (store: EventStore): TE.TaskEither<LedgerFailure, SigningRecord> =>
  pipe(store.readStream(LEDGER_STREAM), TE.chainEitherKW(signingRecordOf));

/** The key `keyId` signed with at log position `position`, if it was registered then and not yet revoked. */
export const keyAt = (record: SigningRecord, keyId: string, position: number): KeyPeriod | undefined =>
  record.keys.find((k) => k.keyId === keyId && k.from < position && (k.until === null || position < k.until));

/** Whether signed mode was on at log position `position`. */
export const signedAt = (record: SigningRecord, position: number): boolean =>
  record.periods.some((p) => p.from < position && (p.until === null || position < p.until));
