import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { StoredEvent } from './events/envelope';
import { canonicalJson } from '@minsheng/verify';
import { storedEventHash } from './hash';

/*
 * Every stored hash covers canonical JSON, so a faster encoder must write the very same bytes.
 * `first` is the encoder every hash before it was computed with, kept here frozen.
 */
const FIRST_NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const firstQuote = (s: string): string => (FIRST_NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
const first = (v: unknown): string => {
  switch (typeof v) {
    case 'string':
      return firstQuote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(v);
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (v[i] === undefined ? 'null' : first(v[i]));
        return `${out}]`;
      }
      const o = v as Record<string, unknown>;
      let out = '{';
      for (const k of Object.keys(o).sort()) {
        const x = o[k];
        if (x === undefined) continue;
        out += `${out.length > 1 ? ',' : ''}${firstQuote(k)}:${first(x)}`;
      }
      return `${out}}`;
    }
    default:
      return JSON.stringify(v);
  }
};

/** A pseudo-random sequence, the same every run. */
const seeded = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** The same value with every object's keys in a shuffled insertion order. */
const shuffled = (v: unknown, random: () => number): unknown => {
  if (Array.isArray(v)) return v.map((x) => shuffled(x, random));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffled(x, random)]));
};

/*
 * `minsheng demo --db demo.db` (seed 2024) then `minsheng export --events --db demo.db`, gzipped:
 * the 1,766 events of the demo year with the hashes the first encoder gave them.
 */
const demoYear = (): StoredEvent[] =>
  gunzipSync(readFileSync(join(__dirname, 'fixtures', 'demo-year.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StoredEvent);

describe('canonical JSON writes the bytes the first encoder wrote', () => {
  const events = demoYear();

  it('on every event of the demo year: each stored hash recomputed', () => {
    expect(events).toHaveLength(1766);
    expect(new Set(events.map((e) => e.type)).size).toBe(8);
    let prevHash = '0'.repeat(64);
    for (const e of events) {
      expect(e.prevHash).toBe(prevHash);
      expect(storedEventHash(prevHash, e)).toBe(e.hash);
      prevHash = e.hash;
    }
  });

  it('on every event of the demo year, its keys in any order', () => {
    const random = seeded(2024);
    for (const e of events) {
      for (const part of [e.data, e.metadata, e]) {
        const mixed = shuffled(part, random);
        expect(canonicalJson(mixed)).toBe(first(mixed));
      }
    }
  });

  const CHARS = ['a', 'Z', '0', ' ', '哈', '尔', '滨', '区', '万', '㎡', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', 'é',
    '😀', '\ud800', '\udfff', '！', '𠀀', '\ufeff'];
  const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, Number.MAX_SAFE_INTEGER, -3.75, 5e-324, 2 ** 53 + 2];

  const randomValue = (random: () => number, depth: number): unknown => {
    const text = (max: number): string => {
      let s = '';
      for (let n = Math.floor(random() * max); n > 0; n--) s += CHARS[Math.floor(random() * CHARS.length)];
      // Long strings take the other escape check.
      return random() < 0.1 ? s.repeat(8) : s;
    };
    const pick = Math.floor(random() * (depth > 3 ? 5 : 8));
    switch (pick) {
      case 0:
        return text(12);
      case 1:
        return NUMBERS[Math.floor(random() * NUMBERS.length)]! * (random() < 0.5 ? 1 : random());
      case 2:
        return random() < 0.5;
      case 3:
        return null;
      case 4:
        return String(Math.floor(random() * 1e6));
      case 5:
        return Array.from({ length: Math.floor(random() * 5) }, () => (random() < 0.1 ? undefined : randomValue(random, depth + 1)));
      default: {
        const o: Record<string, unknown> = {};
        for (let n = Math.floor(random() * 9); n > 0; n--) {
          // Text keys, keys that look like array indexes (which objects keep first), and undefined members.
          const key = random() < 0.2 ? String(Math.floor(random() * 20)) : text(6);
          o[key] = random() < 0.1 ? undefined : randomValue(random, depth + 1);
        }
        return o;
      }
    }
  };

  it('on 20,000 random values: CJK, escapes, lone surrogates, numbers, nested and index-like keys', () => {
    const random = seeded(16);
    let objects = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = randomValue(random, 0);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) objects++;
      expect(canonicalJson(v)).toBe(first(v));
    }
    // The generator does reach nested objects (a test of scalars alone would prove little).
    expect(objects).toBeGreaterThan(4_000);
  });

  it('on values outside JSON, as the first encoder did', () => {
    for (const v of [undefined, new Date(0), { d: new Date(0), f: () => 1 }, Object.create(null), [undefined, () => 1]]) expect(canonicalJson(v)).toBe(first(v));
    for (const v of [Number.NaN, Number.NEGATIVE_INFINITY, BigInt(1)]) expect(() => canonicalJson({ v })).toThrow(TypeError);
  });
});
