import { createHash } from 'node:crypto';
import { canonicalContentV2, canonicalJson, chainHash, chainHashV2, ledgerRegistry } from '@minsheng/core';
import { leafHash } from '@minsheng/verify';
import { chainAfter, chainRow, chainRowV1, decodeRow, encodeEvent } from './stored-row';
import { makeTestEvent, makeV1Report } from './testing';

describe('stored rows', () => {
  const events = [
    makeTestEvent(),
    makeTestEvent({ figure: { kind: 'stage', stage: '施工中 🏗️ 𠀀 "q" \\ \u0000 \ud800' }, note: '附件' }),
    makeTestEvent({ figure: { kind: 'ratio', numerator: '3.78', denominator: '1000' } }),
    makeV1Report(),
    { ...makeTestEvent(), type: 'Odd "type" 名', data: { z: [1, { b: null, a: [true, 'x'] }], a: undefined, ü: 2 } },
  ];

  const storedAt = '2024-07-01T01:30:00.123Z';
  const sha = (text: string) => createHash('sha256').update(`${'1'.repeat(64)}\n${text}`, 'utf8').digest('hex');

  // Hash v2 rows cover the position and stored_at too; the test of v1 rows is kept for logs written before it.
  it.each(events.map((e) => [e.type, e]))('hash the canonical JSON of the whole event, built from its encoded parts, for %s', (_type, e) => {
    for (const [stream, revision] of [['progress-7-daoli', 0], ['进度-松北区 🏙️', 41]] as const) {
      const content = { stream, revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata };
      const row = chainRow('1'.repeat(64), 3, stream, revision, encodeEvent(e), storedAt);
      expect(row).toMatchObject({ hashVersion: 2, storedAt, position: 3 });
      expect(row.hash).toBe(sha(canonicalJson({ ...content, position: 3, storedAt })));
      expect(row.hash).toBe(chainHashV2('1'.repeat(64), stream, revision, 3, storedAt, e));
      const v1 = chainRowV1('1'.repeat(64), 3, stream, revision, encodeEvent(e), storedAt);
      expect(v1.hashVersion).toBe(1);
      expect(v1.hash).toBe(sha(canonicalJson(content)));
      expect(v1.hash).toBe(chainHash('1'.repeat(64), stream, revision, e));
    }
  });

  // The entry is encoded piece by piece into a scratch buffer (entry-bytes.ts): the bytes must be those of the whole text.
  it('hash each entry and leaf from the bytes of the whole entry text, on awkward events and in a buffer that must grow', () => {
    const big = makeTestEvent({ note: '长'.repeat(30_000) + '\ud83c' });
    const encoded = [...events, big].map(encodeEvent);
    const { rows, leaves } = chainAfter({ position: 6, hash: '1'.repeat(64), recordedAt: null, storedAt: null }, '进度-松北区 🏙️ "\\', 2, encoded, storedAt);
    rows.forEach((row, i) => {
      const entry = `${row.prevHash}\n${canonicalContentV2(row.stream, row.revision, row.position, row.storedAt, encoded[i]!)}`;
      expect(row.hash).toBe(createHash('sha256').update(entry, 'utf8').digest('hex'));
      expect(leaves[i]!.equals(leafHash(entry))).toBe(true);
    });
  });

  it('decode back to the envelope, upcast unless raw', () => {
    const v1 = makeV1Report({ value: '3', unit: '所' });
    const row = chainRow('0'.repeat(64), 9, 'progress-x', 3, encodeEvent(v1), storedAt);
    const raw = decodeRow(row, ledgerRegistry, true);
    expect(raw).toMatchObject({ _tag: 'Right', right: { position: 9, revision: 3, schemaVersion: 1, data: v1.data, storedAt, hashVersion: 2 } });
    expect(decodeRow(row, ledgerRegistry, false)).toMatchObject({ _tag: 'Right', right: { schemaVersion: 2, data: { figure: { kind: 'quantity', value: '3', unit: '所' } } } });
    expect(decodeRow({ ...row, metadata: '{' }, ledgerRegistry, true)).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', position: 9 } });
  });
});
