import type { StoredEvent } from '@minsheng/core';
import type { AuditTrail } from '@minsheng/projections';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import type { LedgerDeps } from './context';
import type { LedgerFailure } from './failure';
import { readSigningRecord } from './signing-record';
import { checkStoredSignature, type SignatureCheck } from './unit-signature';

/** An audit trail with who signed each of its events, and whether that signature verifies. */
export interface SignedAuditTrail extends AuditTrail {
  /** One per entry, in the entries' order. */
  readonly signatures: readonly SignatureCheck[];
}

/** The stream of a signed event, read once per audit: its earlier events show a signature used twice. */
const streamsRead = (deps: LedgerDeps) => {
  const read = new Map<string, readonly StoredEvent[]>();
  return (e: StoredEvent): TE.TaskEither<LedgerFailure, readonly StoredEvent[]> => {
    if (e.metadata.signature === undefined) return TE.right([]);
    const known = read.get(e.stream);
    return known
      ? TE.right(known)
      : pipe(
          deps.store.readStream(e.stream),
          TE.map((events) => (read.set(e.stream, events), events)),
        );
  };
};

/**
 * Checks the signature of every event of the trail against the keys registered when it was
 * recorded, reading each event from the store (a checked read, as the audit's evidence is),
 * and against the signatures of its stream before it (a copy of a signed event is 'replayed').
 */
export const withSignatures = (deps: LedgerDeps, trail: AuditTrail): TE.TaskEither<LedgerFailure, SignedAuditTrail> =>
  pipe(
    readSigningRecord(deps.store),
    TE.chainW((record) => {
      const streamOf = streamsRead(deps);
      return TE.sequenceSeqArray(
        trail.entries.map((entry) =>
          pipe(
            deps.store.readEvent(entry.eventId),
            TE.chainW((e) =>
              e
                ? pipe(
                    streamOf(e),
                    TE.map((earlier): SignatureCheck => checkStoredSignature(record, e, earlier)),
                  )
                : TE.right<LedgerFailure, SignatureCheck>({ eventId: entry.eventId, position: entry.position, unit: null, keyId: null, status: 'missing' }),
            ),
          ),
        ),
      );
    }),
    TE.map((signatures) => ({ ...trail, signatures })),
  );
