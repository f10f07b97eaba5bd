import { MaxAppendSizeExceededError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import {
  concurrencyError,
  invalidArgument,
  storeUnavailable,
  type ConcurrencyError,
  type ExpectedRevision,
  type InvalidArgument,
  type StoreError,
  type StoreUnavailable,
} from '@minsheng/event-store';
import { fromEsdbCurrentRevision, fromEsdbExpectedRevision } from './revision';

export type EsdbFailure = ConcurrencyError | InvalidArgument | StoreUnavailable;

export const isWrongExpectedVersion = (err: unknown): err is WrongExpectedVersionError => err instanceof WrongExpectedVersionError;

/** Reading a stream that has no events: the client throws this while the read is iterated. */
export const isStreamNotFound = (err: unknown): err is StreamNotFoundError => err instanceof StreamNotFoundError;

/**
 * What an error thrown by the client means to a caller of the port, for a call on `stream`
 * that expected `expected` (defaults to what the error itself says was expected):
 * a wrong expected version is a ConcurrencyError with the stream's real revision; an append
 * over the server's size limit is an InvalidArgument (retrying cannot help, splitting the
 * batch would break its atomicity); anything else (no connection, deadline, not leader,
 * access denied, a deleted stream) is StoreUnavailable carrying the client's error.
 */
export const mapEsdbError = (err: unknown, stream: string, expected?: ExpectedRevision): EsdbFailure => {
  if (err instanceof WrongExpectedVersionError)
    return concurrencyError(stream, expected ?? fromEsdbExpectedRevision(err.expectedVersion), fromEsdbCurrentRevision(err.actualVersion));
  if (err instanceof MaxAppendSizeExceededError)
    return invalidArgument(
      `an append to ${stream} is larger than the server's maximum append size (${err.maxAppendSize} bytes); ` +
        `raise the server's MaxAppendSize or append fewer events at once`,
    );
  return storeUnavailable(err);
};

/** A tagged error carried through the adapter's async steps to the TaskEither boundary. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(readonly error: StoreError) {
    super(error.message);
  }
}
