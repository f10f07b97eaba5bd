import type { StoredEvent } from '@minsheng/core';
import type { AuditTrail } from '@minsheng/projections';
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerDeps } from './context';
import type { LedgerFailure } from './failure';
import { signingRecordOf, type SigningRecord } from './signing-record';
import { checkStoredSignature, type SignatureCheck } from './unit-signature';

/** An audit trail with who signed each of its events, and whether that signature verifies. */
export interface SignedAuditTrail extends AuditTrail {
  /** One per entry, in the entries' order. */
  readonly signatures: readonly SignatureCheck[];
}

/** An event the trail shows: its id and the hash the audit's evidence had for it. */
export interface ShownEvent {
  readonly eventId: string;
  readonly hash: string;
}

/** The events a trail shows: its entries, its outcomes, and its targets (found among the task's events by position). */
export const shownEvents = (trail: AuditTrail, taskEvents: readonly StoredEvent[]): ShownEvent[] => {
  const revisions = new Set(trail.revisions.map((r) => r.position));
  return [...trail.entries, ...trail.outcomes, ...taskEvents.filter((e) => revisions.has(e.position))].map(({ eventId, hash }) => ({ eventId, hash }));
};

/**
 * Every event the trail shows, read again by id from the store, checked (its hash against its
 * content, its link to the event before it), all at once. `stale`: one is gone or its hash is no
 * longer the evidence's, so the evidence came from rows since changed behind the store.
 */
export const readShown = (
  deps: LedgerDeps,
  shown: readonly ShownEvent[],
): TE.TaskEither<LedgerFailure, { readonly events: ReadonlyMap<string, StoredEvent | null>; readonly stale: boolean }> => {
  const ids = [...new Set(shown.map((s) => s.eventId))];
  return pipe(
    TE.sequenceArray(ids.map((id) => deps.store.readEvent(id))),
    TE.map((read) => {
      const events = new Map(ids.map((id, i) => [id, read[i] ?? null]));
      return { events, stale: shown.some((s) => events.get(s.eventId)?.hash !== s.hash) };
    }),
  );
};

/**
 * Checks by signing record and by event hash. A stored hash that held on a checked read stands
 * for the event's content and, through the chain, for every event before it (its stream's
 * earlier signatures among them): the same record and hash give the same check, and one
 * Ed25519 verification (about 1 ms) is not done again on every audit. A changed row has
 * another hash, or fails its checked read first.
 */
const checked = new WeakMap<SigningRecord, Map<string, SignatureCheck>>();
const CHECKED_MAX = 100_000;

const checkOnce = (record: SigningRecord, e: StoredEvent, earlier: () => readonly StoredEvent[]): SignatureCheck => {
  let known = checked.get(record);
  if (!known) checked.set(record, (known = new Map()));
  const key = `${e.eventId} ${e.hash}`;
  const found = known.get(key);
  if (found) return found;
  const check = checkStoredSignature(record, e, e.metadata.signature === undefined ? [] : earlier());
  if (known.size >= CHECKED_MAX) known.clear();
  known.set(key, check);
  return check;
};

/**
 * Checks the signature of every event of the trail against the keys registered when it was
 * recorded (the signing record of `ledgerEvents`, the ledger stream as the audit read it), on the event as read again by id (readShown: a checked read), and against the
 * signatures of its stream before it (`streamOf`: the audit's checked streams; a copy of a
 * signed event is 'replayed').
 */
export const withSignatures = (
  trail: AuditTrail,
  ledgerEvents: readonly StoredEvent[],
  events: ReadonlyMap<string, StoredEvent | null>,
  streamOf: (stream: string) => readonly StoredEvent[],
): E.Either<LedgerFailure, SignedAuditTrail> =>
  pipe(
    signingRecordOf(ledgerEvents),
    E.map((record) => ({
      ...trail,
      signatures: trail.entries.map((entry): SignatureCheck => {
        const e = events.get(entry.eventId);
        return e ? checkOnce(record, e, () => streamOf(e.stream)) : { eventId: entry.eventId, position: entry.position, unit: null, keyId: null, status: 'missing' };
      }),
    })),
  );
