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

/**
 * Checks the signature of every event of the trail against the keys registered when it was
 * recorded, reading each event from the store (a checked read, as the audit's evidence is).
 */
export const withSignatures = (deps: LedgerDeps, trail: AuditTrail): TE.TaskEither<LedgerFailure, SignedAuditTrail> =>
  pipe(
    readSigningRecord(deps.store),
    TE.chainW((record) =>
      TE.sequenceSeqArray(
        trail.entries.map((entry) =>
          pipe(
            deps.store.readEvent(entry.eventId),
            TE.map((e): SignatureCheck =>
              e ? checkStoredSignature(record, e) : { eventId: entry.eventId, position: entry.position, unit: null, keyId: null, status: 'missing' },
            ),
          ),
        ),
      ),
    ),
    TE.map((signatures) => ({ ...trail, signatures })),
  );
