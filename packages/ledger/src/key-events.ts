import {
  CURRENT_VERSION,
  keyEventSignedContent,
  LEDGER_STREAM,
  newEventId,
  parseUnitVerifierKey,
  verifiesContent,
  type EventEnvelope,
  type KeyEventType,
  type LedgerEventData,
  type PlanFrame,
  type ReasonCode,
  type ReasonFields,
  type UnitVerifierKey,
} from '@minsheng/core';
import { NO_STREAM } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, resolvePlan, resolveUnitId, type LedgerDeps } from './context';
import type { LedgerFailure } from './failure';
import { keyEventRefused } from './signing-failure';
import { readSigningRecord, type SigningRecord } from './signing-record';
import { signatureFor, type SignWith } from './unit-signature';

/*
 * The key events of signed mode, each signed by the plan administrator over its content and its
 * place in the ledger stream (keyEventSignedContent), checked before it is written and appended
 * at the revision the record was read at: two administrators racing cannot both write.
 */

export interface EnableSigningInput {
  /** The administrator's verifier key (name+keyid+key), which must sign this event too. */
  readonly adminKey: string;
  readonly admin: SignWith;
}

export interface RegisterKeyInput {
  /** Responsible unit id or name. */
  readonly unit: string;
  /** The unit's verifier key (name+keyid+key). */
  readonly key: string;
  readonly planId?: string;
  readonly admin: SignWith;
}

export interface RevokeKeyInput {
  readonly unit: string;
  readonly keyId: string;
  readonly reason?: string;
  readonly planId?: string;
  readonly admin: SignWith;
}

export interface DisableSigningInput {
  readonly reason?: string;
  readonly admin: SignWith;
}

/** A key event written: its id, position, and the key id it concerns. */
export interface KeyEventRecorded {
  readonly type: KeyEventType;
  readonly eventId: string;
  readonly position: number;
  readonly keyId: string;
}

const unitName = (frame: PlanFrame, id: string): string => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;

const refuse = (code: ReasonCode, fields: ReasonFields, message: string): TE.TaskEither<LedgerFailure, never> =>
  TE.left(keyEventRefused(code, fields, `${message}; nothing was written`));

const appendKeyEvent = <T extends KeyEventType>(
  deps: LedgerDeps,
  record: SigningRecord,
  type: T,
  data: LedgerEventData<T>,
  admin: UnitVerifierKey,
  sign: SignWith,
  keyId: string,
): TE.TaskEither<LedgerFailure, KeyEventRecorded> => {
  const sequence = record.revision === NO_STREAM ? 0 : (record.revision as number) + 1;
  const content = keyEventSignedContent({ type, data }, sequence);
  const s = signatureFor(sign, content);
  if (s.keyId !== admin.keyId) return refuse('keyEvent.notAdminKey', { type, adminKeyId: admin.keyId, keyId: s.keyId }, `${type} must be signed by the administrator's key ${admin.keyId}, not by key ${s.keyId}`);
  if (!verifiesContent(admin, content, s.signature))
    return refuse('keyEvent.badSignature', { type }, `the administrator's signature of ${type} does not verify`);
  const event: EventEnvelope = {
    eventId: newEventId(deps.clock.now()),
    type,
    schemaVersion: CURRENT_VERSION[type],
    data,
    metadata: { ...metadataFor(deps.clock, { system: 'admin' }), signature: { keyId: admin.keyId, signature: s.signature } },
  };
  return pipe(
    deps.store.append(LEDGER_STREAM, [event], record.revision),
    TE.map((r) => ({ type, eventId: event.eventId, position: r.positions[r.positions.length - 1]!, keyId })),
  );
};

/** Turns signed mode on, naming the administrator's key; refused when it is on already (a new administrator comes after SigningDisabled). */
export const enableSigning = (deps: LedgerDeps, input: EnableSigningInput): TE.TaskEither<LedgerFailure, KeyEventRecorded> =>
  pipe(
    readSigningRecord(deps.store),
    TE.chainW((record) => {
      if (record.on) return refuse('keyEvent.onAlready', { adminKeyId: record.admin!.keyId }, `signed mode is on already, with administrator key ${record.admin!.keyId}`);
      const admin = parseUnitVerifierKey(input.adminKey);
      if (typeof admin === 'string') return refuse('keyEvent.badAdminKey', { reason: admin }, `the administrator key: ${admin}`);
      return appendKeyEvent(deps, record, 'SigningEnabled', { adminKey: admin.text }, admin, input.admin, admin.keyId);
    }),
  );

const signedRecord = (deps: LedgerDeps): TE.TaskEither<LedgerFailure, SigningRecord & { admin: UnitVerifierKey }> =>
  pipe(
    readSigningRecord(deps.store),
    TE.chainW((record) => (record.on && record.admin ? TE.right({ ...record, admin: record.admin }) : refuse('keyEvent.notSignedMode', {}, 'the ledger is not in signed mode (minsheng signing on)'))),
  );

/** A key event about one unit: signed mode on, the plan, and the unit resolved, then `then`. */
const forUnit = <A>(
  deps: LedgerDeps,
  input: { readonly planId?: string | undefined; readonly unit: string },
  then: (at: { record: SigningRecord & { admin: UnitVerifierKey }; frame: PlanFrame; unit: string }) => TE.TaskEither<LedgerFailure, A>,
): TE.TaskEither<LedgerFailure, A> =>
  pipe(
    signedRecord(deps),
    TE.bindTo('record'),
    TE.bindW('frame', () => resolvePlan(deps, input.planId)),
    TE.bindW('unit', ({ frame }) => resolveUnitId(frame, input.unit)),
    TE.chainW(then),
  );

/** Registers a responsible unit's verifier key; a key id ever registered before is refused, so a key id names one key. */
export const registerUnitKey = (deps: LedgerDeps, input: RegisterKeyInput): TE.TaskEither<LedgerFailure, KeyEventRecorded> =>
  forUnit(deps, input, ({ record, frame, unit }) => {
    const key = parseUnitVerifierKey(input.key);
    if (typeof key === 'string') return refuse('keyEvent.badUnitKey', { reason: key }, `the unit's key: ${key}`);
    const before = record.keys.find((k) => k.keyId === key.keyId);
    if (before) return refuse('keyEvent.registeredAlready', { keyId: key.keyId, unit: unitName(frame, before.unit), position: before.from }, `key id ${key.keyId} was registered already (for ${unitName(frame, before.unit)}, at position ${before.from}); make a new key`);
    return appendKeyEvent(deps, record, 'UnitKeyRegistered', { unit, key: key.text, keyId: key.keyId }, record.admin, input.admin, key.keyId);
  });

/** Revokes a unit's registered key: what it signed before stays valid, nothing new may be signed with it. */
export const revokeUnitKey = (deps: LedgerDeps, input: RevokeKeyInput): TE.TaskEither<LedgerFailure, KeyEventRecorded> =>
  forUnit(deps, input, ({ record, frame, unit }) => {
    if (!record.keys.some((k) => k.keyId === input.keyId && k.unit === unit && k.until === null))
      return refuse('keyEvent.noSuchKey', { unit: unitName(frame, unit), keyId: input.keyId }, `${unitName(frame, unit)} has no registered, unrevoked key ${input.keyId}`);
    const data = { unit, keyId: input.keyId, ...(input.reason !== undefined ? { reason: input.reason } : {}) };
    return appendKeyEvent(deps, record, 'UnitKeyRevoked', data, record.admin, input.admin, input.keyId);
  });

/** Turns signed mode off: only by the administrator's signature, never by leaving a signature out. */
export const disableSigning = (deps: LedgerDeps, input: DisableSigningInput): TE.TaskEither<LedgerFailure, KeyEventRecorded> =>
  pipe(
    signedRecord(deps),
    TE.chainW((record) =>
      appendKeyEvent(deps, record, 'SigningDisabled', input.reason !== undefined ? { reason: input.reason } : {}, record.admin, input.admin, record.admin.keyId),
    ),
  );
