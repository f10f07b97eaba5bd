import { ANY as ESDB_ANY, NO_STREAM as ESDB_NO_STREAM, STREAM_EXISTS as ESDB_STREAM_EXISTS } from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision } from '@minsheng/event-store';
import { appendOverTheWire } from './esdb-wire.fixtures';
import { fromEsdbCurrentRevision, fromEsdbExpectedRevision, toEsdbExpectedRevision } from './revision';

describe('expected revisions', () => {
  const pairs: ReadonlyArray<[ExpectedRevision, unknown]> = [
    [NO_STREAM, ESDB_NO_STREAM],
    [STREAM_EXISTS, ESDB_STREAM_EXISTS],
    [ANY, ESDB_ANY],
    [0, 0n],
    [1, 1n],
    [41, 41n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
  ];

  it.each(pairs)('%p maps to the client’s %p and back', (ours, theirs) => {
    expect(toEsdbExpectedRevision(ours)).toBe(theirs);
    expect(fromEsdbExpectedRevision(toEsdbExpectedRevision(ours))).toBe(ours);
  });

  it.each([
    [NO_STREAM, { kind: 'no_stream' }],
    [STREAM_EXISTS, { kind: 'stream_exists' }],
    [ANY, { kind: 'any' }],
    [0, { kind: 'revision', revision: '0' }],
    [7, { kind: 'revision', revision: '7' }],
  ] as const)('%p goes on the wire as %j through the client’s own append', async (ours, wire) => {
    const { expected } = await appendOverTheWire('progress-7-daoli', [], toEsdbExpectedRevision(ours));
    expect(expected).toEqual(wire);
  });

  it('reads the legacy codes a server puts in its trailers (-1 no stream, -2 any, -4 stream exists)', () => {
    expect(fromEsdbExpectedRevision(-1n)).toBe(NO_STREAM);
    expect(fromEsdbExpectedRevision(-2n)).toBe(ANY);
    expect(fromEsdbExpectedRevision(-4n)).toBe(STREAM_EXISTS);
    expect(() => fromEsdbExpectedRevision(-3n)).toThrow(RangeError);
  });

  it('maps current revisions, including a legacy -1, and refuses what a number cannot hold', () => {
    expect(fromEsdbCurrentRevision(ESDB_NO_STREAM)).toBe(NO_STREAM);
    expect(fromEsdbCurrentRevision(-1n)).toBe(NO_STREAM);
    expect(fromEsdbCurrentRevision(0n)).toBe(0);
    expect(fromEsdbCurrentRevision(12n)).toBe(12);
    expect(() => fromEsdbCurrentRevision(2n ** 53n)).toThrow(RangeError);
    expect(() => fromEsdbCurrentRevision(-7n)).toThrow(RangeError);
  });
});
