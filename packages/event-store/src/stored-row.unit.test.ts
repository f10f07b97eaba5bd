import { canonicalJson, hashedContent, ledgerRegistry } from '@minsheng/core';
import { canonicalText, chainRow, decodeRow, encodeEvent, hashedContentOf } from './stored-row';
import { makeTestEvent, makeV1Report } from './testing';

/** A deterministic generator of JSON-like values with awkward strings, numbers and holes. */
const randomValues = (count: number) => {
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pieces = ['a', '道里区', '🏗️', '𠀀', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', 'é', 'Z', '10', '1', '', ' '];
  const text = () => Array.from({ length: next(4) }, () => pieces[next(pieces.length)]).join('');
  const numbers = [0, -0, 1, -1.5, 0.1, 1e21, 1e-7, 123456789012, Number.MAX_SAFE_INTEGER];
  const value = (depth: number): unknown => {
    switch (next(depth > 3 ? 5 : 8)) {
      case 0: return text();
      case 1: return numbers[next(numbers.length)];
      case 2: return next(2) === 0;
      case 3: return null;
      case 4: return undefined;
      case 5: case 6: return Object.fromEntries(Array.from({ length: next(5) }, () => [text(), value(depth + 1)]));
      default: return Array.from({ length: next(4) }, () => value(depth + 1));
    }
  };
  return Array.from({ length: count }, () => value(0));
};

describe('canonicalText', () => {
  it('writes exactly what core canonicalJson writes', () => {
    for (const v of randomValues(5000)) expect(canonicalText(v)).toBe(canonicalJson(v));
  });

  it('refuses what canonicalJson refuses', () => {
    expect(() => canonicalText({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalText([Infinity])).toThrow(TypeError);
    expect(() => canonicalText({ a: 1n })).toThrow(TypeError);
  });
});

describe('stored rows', () => {
  const events = [
    makeTestEvent(),
    makeTestEvent({ figure: { kind: 'stage', stage: '施工中 🏗️ 𠀀 "q" \\ \u0000 \ud800' }, note: '附件' }),
    makeTestEvent({ figure: { kind: 'ratio', numerator: '3.78', denominator: '1000' } }),
    makeV1Report(),
    { ...makeTestEvent(), type: 'Odd "type" 名', data: { z: [1, { b: null, a: [true, 'x'] }], a: undefined, ü: 2 } },
  ];

  it.each(events.map((e) => [e.type, e]))('compose the same hashed text as core for %s', (_type, e) => {
    for (const [stream, revision] of [['progress-7-daoli', 0], ['进度-松北区 🏙️', 41]] as const)
      expect(hashedContentOf(stream, revision, encodeEvent(e))).toBe(hashedContent(stream, revision, e));
  });

  it('decode back to the envelope, upcast unless raw', () => {
    const v1 = makeV1Report({ value: '3', unit: '所' });
    const row = chainRow('0'.repeat(64), 9, 'progress-x', 3, encodeEvent(v1));
    const raw = decodeRow(row, ledgerRegistry, true);
    expect(raw).toMatchObject({ _tag: 'Right', right: { position: 9, revision: 3, schemaVersion: 1, data: v1.data } });
    expect(decodeRow(row, ledgerRegistry, false)).toMatchObject({ _tag: 'Right', right: { schemaVersion: 2, data: { figure: { kind: 'quantity', value: '3', unit: '所' } } } });
    expect(decodeRow({ ...row, metadata: '{' }, ledgerRegistry, true)).toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', position: 9 } });
  });
});
