import { chainHashV2 } from '@minsheng/core';
import { linkOf, rowFault, rowHash } from './checked-log';
import { chainRow, chainRowV1, encodeEvent } from './stored-row';
import { makeTestEvent } from './testing';

describe('checked rows', () => {
  const prev = '1'.repeat(64);
  const storedAt = '2024-07-01T01:30:00.123Z';
  const events = [
    makeTestEvent(),
    makeTestEvent({ figure: { kind: 'stage', stage: '施工中 🏗️ 𠀀 "q" \\ \u0000 \ud800' }, note: '附件' }),
    { ...makeTestEvent(), type: 'Odd "type" 名\u2028', data: { z: [1, { b: null, a: [true, 'x'] }], ü: 2 } },
    // A large row, in three-byte characters.
    makeTestEvent({ note: '长'.repeat(40_000) }),
  ];

  it.each(events.map((e, i) => [i, e]))('hash row %s as chainRow wrote it, by either version', (_i, e) => {
    for (const [stream, revision] of [['progress-7-daoli', 0], ['进度-松北区 🏙️ "\u0001"', 41]] as const) {
      const row = chainRow(prev, 3, stream, revision, encodeEvent(e), storedAt);
      expect(rowHash(row)).toBe(row.hash);
      expect(rowHash(row)).toBe(chainHashV2(prev, stream, revision, 3, storedAt, e));
      const v1 = chainRowV1(prev, 3, stream, revision, encodeEvent(e), storedAt);
      expect(rowHash(v1)).toBe(v1.hash);
    }
  });

  it('find the fault of a row whose text or place changed', () => {
    const row = chainRow(prev, 3, 'progress-x', 0, encodeEvent(makeTestEvent()), storedAt);
    const before = { position: 2, hash: prev, hashVersion: 2, storedAt };
    expect(rowFault(before, row)).toBeNull();
    expect(rowFault(before, { ...row, data: row.data.replace('}', ',"x":1}') })).toBe("stored hash does not match the event's content");
    expect(rowFault(before, { ...row, position: 4 })).toBe('position 4 does not follow 2');
    expect(rowFault({ ...before, position: 3 }, { ...row, position: 4 })).toBe("stored hash does not match the event's content");
    expect(rowFault(linkOf(row), chainRow(row.hash, 4, 'progress-x', 1, encodeEvent(makeTestEvent()), storedAt))).toBeNull();
    expect(rowFault(undefined, row)).toBe('the event before it, at position 2, is missing');
  });
});
