import {
  convertToCommandError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS } from '@minsheng/event-store';
import { mapEsdbError, Refusal } from './errors';
import { appendOverTheWire, batchAppendConflict, grpc, readingClient, serviceError, streamNotFoundResponse } from './esdb-wire.fixtures';
import { ledgerIo } from './ledger-io';
import { ledgerStreams } from './names';
import { toEsdbExpectedRevision } from './revision';

const S = 'progress-7-daoli';

/** The error the client's own append rejects with when the server answers "wrong expected version". */
const appendConflict = async (current: bigint | 'no_stream', expected: bigint | 'no_stream' | 'any' | 'stream_exists') => {
  const err = await appendOverTheWire(S, [], expected, { ok: false, current, expected }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WrongExpectedVersionError);
  return err;
};

describe('mapEsdbError: wrong expected version → ConcurrencyError with the real revisions', () => {
  const cases = [
    ['no_stream on a stream at revision 2', NO_STREAM, 2n, 2],
    ['stream_exists on a missing stream', STREAM_EXISTS, 'no_stream', NO_STREAM],
    ['revision 3 on a stream at revision 5', 3, 5n, 5],
    ['revision 0 on a missing stream', 0, 'no_stream', NO_STREAM],
    ['revision 9 on a stream at revision 0', 9, 0n, 0],
  ] as const;

  it.each(cases)('%s, from the append response', async (_what, expected, current, actual) => {
    const esdbExpected = toEsdbExpectedRevision(expected) as bigint | 'no_stream' | 'stream_exists';
    const err = await appendConflict(current, esdbExpected);
    expect(mapEsdbError(err, S, expected)).toMatchObject({ _tag: 'ConcurrencyError', stream: S, expected, actual });
    // Without the caller's expectation, the error's own is used.
    expect(mapEsdbError(err, S)).toMatchObject({ _tag: 'ConcurrencyError', expected, actual });
  });

  it.each(cases)('%s, from a batch append', (_what, expected, current, actual) => {
    const err = batchAppendConflict(S, current, toEsdbExpectedRevision(expected) as bigint | 'no_stream' | 'stream_exists');
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapEsdbError(err, S)).toMatchObject({ _tag: 'ConcurrencyError', stream: S, expected, actual });
  });

  it.each([
    ['-1', '2', NO_STREAM, 2],
    ['-4', '', STREAM_EXISTS, NO_STREAM],
    ['-4', '-1', STREAM_EXISTS, NO_STREAM],
    ['-2', '4', ANY, 4],
    ['3', '5', 3, 5],
  ] as const)('expected-version %s, actual-version %j, from a server’s trailers', (expectedVersion, actualVersion, expected, actual) => {
    const err = convertToCommandError(
      serviceError(grpc.status.FAILED_PRECONDITION, `Append failed due to WrongExpectedVersion. Stream: ${S}`, {
        exception: 'wrong-expected-version',
        'stream-name': S,
        'expected-version': expectedVersion,
        'actual-version': actualVersion,
      }),
    );
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapEsdbError(err, S)).toMatchObject({ _tag: 'ConcurrencyError', stream: S, expected, actual });
  });

  it('names the stream and both revisions in its message', async () => {
    const e = mapEsdbError(await appendConflict(4n, 2n), S, 2);
    expect(e.message).toBe(`stream ${S} expected revision 2 but is at revision 4`);
  });
});

describe('mapEsdbError: other failures', () => {
  it('an append over the server’s size limit is an InvalidArgument naming the limit', () => {
    const e = mapEsdbError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), S, ANY);
    expect(e).toMatchObject({ _tag: 'InvalidArgument' });
    expect(e.message).toContain('1048576');
  });

  it.each([
    ['no connection', () => convertToCommandError(serviceError(grpc.status.UNAVAILABLE, 'No connection established', {}))],
    ['a deadline', () => convertToCommandError(serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded', {}))],
    ['access denied', () => convertToCommandError(serviceError(grpc.status.PERMISSION_DENIED, 'Access denied', { exception: 'access-denied' }))],
    [
      'a follower',
      () =>
        convertToCommandError(
          serviceError(grpc.status.NOT_FOUND, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': '10.0.0.2', 'leader-endpoint-port': '2113' }),
        ),
    ],
    ['a deleted stream', () => StreamDeletedError.fromStreamName('minsheng_log')],
    ['a plain error', () => new Error('socket hang up')],
  ])('%s is StoreUnavailable carrying the client’s error', (_what, make) => {
    const err = make();
    expect(mapEsdbError(err, S)).toEqual({ _tag: 'StoreUnavailable', message: expect.stringContaining('the event store failed'), cause: err });
  });
});

describe('reads of streams that do not exist, through the client’s ReadStream', () => {
  const names = ledgerStreams('ledger');
  const nothing = ledgerIo(readingClient((stream) => [streamNotFoundResponse(stream)]) as unknown as EventStoreDBClient, names);

  it('the client throws StreamNotFoundError while the read is iterated', async () => {
    const read = readingClient((stream) => [streamNotFoundResponse(stream)]).readStream(names.log, {});
    await expect((async () => { for await (const _ of read) void _; })()).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('read as empty: no events, no_stream, head 0, no event for an id', async () => {
    expect(await nothing.read(names.stream(S), {})).toEqual([]);
    expect(await nothing.linkedRevision(S)).toBe(NO_STREAM);
    expect(await nothing.headPosition()).toBe(0);
    expect(await nothing.logTail()).toBeNull();
    expect(await nothing.byId('01J9ZQ4T3V6W8X0Y2Z4A6B8C0D')).toBeNull();
    expect(await nothing.storedAt(['01J9ZQ4T3V6W8X0Y2Z4A6B8C0D'])).toEqual(new Map());
  });

  it('a read that loses its connection is a Refusal carrying StoreUnavailable', async () => {
    const dropped = readingClient(() => [], () => serviceError(grpc.status.UNAVAILABLE, 'Connection dropped', {}));
    const err = await ledgerIo(dropped as unknown as EventStoreDBClient, names)
      .read(names.log, {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Refusal);
    expect((err as Refusal).error).toMatchObject({ _tag: 'StoreUnavailable', message: expect.stringContaining('Connection dropped') });
  });
});