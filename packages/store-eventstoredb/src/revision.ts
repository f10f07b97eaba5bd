import { ANY as ESDB_ANY, NO_STREAM as ESDB_NO_STREAM, STREAM_EXISTS as ESDB_STREAM_EXISTS } from '@eventstore/db-client';
import type { AppendExpectedRevision, CurrentRevision as EsdbCurrentRevision } from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type CurrentRevision, type ExpectedRevision } from '@minsheng/event-store';

/*
 * Our revisions and ESDB's are the same numbers: both 0-based, the first event of a
 * stream is revision 0, and "expected n" means "the stream's last event is revision n".
 * Only the representation differs (number vs bigint), so the mapping is one-to-one.
 */

/**
 * The numbers the legacy (TCP-era) server puts in its wrong-expected-version trailers,
 * which the client turns into bigints as they are: -1 no stream, -2 any, -4 stream exists.
 */
const LEGACY_NO_STREAM = -1n;
const LEGACY_ANY = -2n;
const LEGACY_STREAM_EXISTS = -4n;

export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case NO_STREAM:
      return ESDB_NO_STREAM;
    case STREAM_EXISTS:
      return ESDB_STREAM_EXISTS;
    case ANY:
      return ESDB_ANY;
    default:
      return BigInt(expected);
  }
};

const toSafeNumber = (n: bigint): number => {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${n} is beyond 2^53 - 1`);
  return Number(n);
};

/** The reverse of toEsdbExpectedRevision; also reads the legacy negative codes. */
export const fromEsdbExpectedRevision = (expected: AppendExpectedRevision): ExpectedRevision => {
  if (expected === ESDB_NO_STREAM || expected === LEGACY_NO_STREAM) return NO_STREAM;
  if (expected === ESDB_STREAM_EXISTS || expected === LEGACY_STREAM_EXISTS) return STREAM_EXISTS;
  if (expected === ESDB_ANY || expected === LEGACY_ANY) return ANY;
  if (typeof expected === 'bigint' && expected >= 0n) return toSafeNumber(expected);
  throw new RangeError(`unknown EventStoreDB expected revision ${String(expected)}`);
};

/** A stream's current revision as ESDB reports it (a bigint, `no_stream`, or -1 from a legacy server). */
export const fromEsdbCurrentRevision = (current: EsdbCurrentRevision): CurrentRevision => {
  if (current === ESDB_NO_STREAM || current === LEGACY_NO_STREAM) return NO_STREAM;
  if (typeof current === 'bigint' && current >= 0n) return toSafeNumber(current);
  throw new RangeError(`unknown EventStoreDB current revision ${String(current)}`);
};
