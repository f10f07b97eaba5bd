import { createHash } from 'node:crypto';
import type { EventEnvelope, StoredEvent } from './events/envelope';
import { chainVerifier, type ChainBreak } from './chain-verifier';
import { canonicalJson, chainHash, GENESIS_HASH, sha256Hex } from './hash';

describe('canonicalJson', () => {
  it('does not depend on the order keys were written in, at any depth', () => {
    const a = { type: 'ProgressReported', data: { place: 'east', figure: { unit: '个', value: '12', kind: 'quantity' } } };
    const b = { data: { figure: { kind: 'quantity', value: '12', unit: '个' }, place: 'east' }, type: 'ProgressReported' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(b)).toBe(
      '{"data":{"figure":{"kind":"quantity","unit":"个","value":"12"},"place":"east"},"type":"ProgressReported"}',
    );
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson(['b', 'a'])).toBe('["b","a"]');
    expect(canonicalJson(['b', 'a'])).not.toBe(canonicalJson(['a', 'b']));
  });

  it('leaves out undefined properties, and writes undefined in an array as null', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([1, undefined])).toBe('[1,null]');
  });

  it('writes Chinese text as it is, not as \\u escapes, and hashes it as UTF-8', () => {
    const text = canonicalJson({ name: '哈尔滨市', written: '2.55万人', unit: '微克/立方米' });
    expect(text).toBe('{"name":"哈尔滨市","unit":"微克/立方米","written":"2.55万人"}');
    expect(sha256Hex('哈')).toBe(createHash('sha256').update(Buffer.from([0xe5, 0x93, 0x88])).digest('hex'));
  });

  it('sorts Chinese keys the same way whatever order they came in', () => {
    const places = { 道里区: '12', 南岗区: '7', 哈尔滨市: '19' };
    const reversed = Object.fromEntries(Object.entries(places).reverse());
    expect(canonicalJson(reversed)).toBe(canonicalJson(places));
    expect(canonicalJson(places)).toBe('{"南岗区":"7","哈尔滨市":"19","道里区":"12"}');
  });

  it('sorts keys by UTF-16 code unit, as RFC 8785 does (an astral character sorts before U+FF01)', () => {
    expect(canonicalJson({ '！': 1, '😀': 2, a: 3 })).toBe('{"a":3,"😀":2,"！":1}');
  });

  it('refuses what JSON cannot say exactly', () => {
    expect(() => canonicalJson({ v: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ v: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ v: BigInt(1) })).toThrow(TypeError);
  });
});

const envelope = (n: number, value: string): EventEnvelope => ({
  eventId: `01J9ZA00000000000000000${String(n).padStart(3, '0')}`,
  type: 'ProgressReported',
  schemaVersion: 2,
  data: {
    planId: 'mini-2024',
    task: 1,
    metric: 't01-stations',
    place: n % 2 ? 'east' : 'west',
    asOf: '2024-09-30',
    figure: { kind: 'quantity', value, unit: '个' },
  },
  metadata: {
    actor: { unit: 'hrss', person: '张三' },
    recordedAt: `2024-10-0${n}T09:00:00+08:00`,
    correlationId: `c-${n}`,
  },
});

/** A well-formed log of `n` events in two streams, linked from the genesis hash. */
const storedLog = (n: number): StoredEvent[] => {
  const revisions: Record<string, number> = {};
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = envelope(i + 1, String(10 + i));
    const stream = `progress-mini-2024-t01-stations-${(e.data as { place: string }).place}`;
    const revision = revisions[stream] ?? 0;
    revisions[stream] = revision + 1;
    const hash = chainHash(prev, stream, revision, e);
    const stored = { ...e, stream, revision, position: i + 1, prevHash: prev, hash };
    prev = hash;
    return stored;
  });
};

/** Runs a fresh verifier over the events and returns the first break, or ChainOk. */
const verify = (events: readonly StoredEvent[]): ChainBreak => {
  const v = chainVerifier();
  for (const e of events) {
    const r = v.check(e);
    if (r._tag === 'ChainBroken') return r;
  }
  return { _tag: 'ChainOk' };
};

describe('chainHash', () => {
  const e = envelope(1, '12');
  const base = chainHash(GENESIS_HASH, 'progress-x', 0, e);

  it('is a SHA-256 in hex, and the same for the same content in any key order', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const shuffled = Object.fromEntries(Object.entries(e).reverse()) as unknown as EventEnvelope;
    expect(chainHash(GENESIS_HASH, 'progress-x', 0, shuffled)).toBe(base);
  });

  it.each<[string, () => string]>([
    ['prevHash', () => chainHash('1'.repeat(64), 'progress-x', 0, e)],
    ['stream', () => chainHash(GENESIS_HASH, 'progress-y', 0, e)],
    ['revision', () => chainHash(GENESIS_HASH, 'progress-x', 1, e)],
    ['eventId', () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, eventId: '01J9ZA00000000000000000999' })],
    ['type', () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, type: 'ProgressCorrected' })],
    ['schemaVersion', () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, schemaVersion: 1 })],
    [
      'a figure in data',
      () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, data: { ...(e.data as object), figure: { kind: 'quantity', value: '13', unit: '个' } } }),
    ],
    ['the place in data', () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, data: { ...(e.data as object), place: 'west' } })],
    ['the actor in metadata', () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, metadata: { ...e.metadata, actor: { unit: 'finance' } } })],
    [
      'recordedAt in metadata',
      () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, metadata: { ...e.metadata, recordedAt: '2024-10-01T09:00:01+08:00' } }),
    ],
    [
      'a source added to metadata',
      () => chainHash(GENESIS_HASH, 'progress-x', 0, { ...e, metadata: { ...e.metadata, source: { document: '哈人社函〔2024〕5号' } } }),
    ],
  ])('changes when %s changes', (_, changed) => {
    expect(changed()).not.toBe(base);
  });
});

describe('chainVerifier', () => {
  const log = storedLog(5);

  it('accepts a well-formed log and ends at the last hash', () => {
    const v = chainVerifier();
    expect(log.map((e) => v.check(e)._tag)).toEqual(['ChainOk', 'ChainOk', 'ChainOk', 'ChainOk', 'ChainOk']);
    expect(v.count).toBe(5);
    expect(v.head).toBe(log[4]!.hash);
  });

  it('continues from a checkpoint: the hash of the last event verified', () => {
    const v = chainVerifier(log[1]!.hash);
    expect(log.slice(2).every((e) => v.check(e)._tag === 'ChainOk')).toBe(true);
    expect(v.head).toBe(log[4]!.hash);
  });

  it('names the event whose data had one byte flipped', () => {
    const tampered = log.map((e, i) =>
      i === 2 ? { ...e, data: { ...(e.data as object), figure: { kind: 'quantity', value: '13', unit: '个' } } } : e,
    );
    expect((log[2]!.data as { figure: { value: string } }).figure.value).toBe('12');
    expect(verify(tampered)).toEqual({
      _tag: 'ChainBroken',
      position: 3,
      eventId: log[2]!.eventId,
      reason: "stored hash does not match the event's content",
    });
  });

  it('names the event whose prevHash is wrong', () => {
    const tampered = log.map((e, i) => (i === 3 ? { ...e, prevHash: log[1]!.hash } : e));
    expect(verify(tampered)).toEqual({
      _tag: 'ChainBroken',
      position: 4,
      eventId: log[3]!.eventId,
      reason: 'prev_hash does not match the hash of the event before it',
    });
  });

  it('names the first event out of place when a pair is read in the wrong order', () => {
    const swapped = [log[0]!, log[2]!, log[1]!, log[3]!, log[4]!];
    expect(verify(swapped)).toMatchObject({ _tag: 'ChainBroken', position: 3, eventId: log[2]!.eventId });
  });

  it('names the first event out of place when a pair was swapped and renumbered', () => {
    const renumbered = [log[0]!, { ...log[2]!, position: 2 }, { ...log[1]!, position: 3 }, log[3]!, log[4]!];
    expect(verify(renumbered)).toMatchObject({
      _tag: 'ChainBroken',
      position: 2,
      eventId: log[2]!.eventId,
      reason: 'prev_hash does not match the hash of the event before it',
    });
  });

  it('names the event after a removed one', () => {
    const removed = [log[0]!, log[2]!, log[3]!, log[4]!];
    expect(verify(removed)).toMatchObject({ _tag: 'ChainBroken', position: 3, eventId: log[2]!.eventId });
  });

  it('a tampered event whose hash was recomputed breaks the link of the event after it', () => {
    const forged = { ...log[2]!, data: { ...(log[2]!.data as object), place: 'north' } };
    const rehashed = { ...forged, hash: chainHash(forged.prevHash, forged.stream, forged.revision, forged) };
    expect(verify([log[0]!, log[1]!, rehashed, log[3]!, log[4]!])).toMatchObject({
      _tag: 'ChainBroken',
      eventId: log[3]!.eventId,
      reason: 'prev_hash does not match the hash of the event before it',
    });
  });

  it('a position that does not increase is a break', () => {
    const repeated = log.map((e, i) => (i === 1 ? { ...e, position: 1 } : e));
    expect(verify(repeated)).toMatchObject({ _tag: 'ChainBroken', eventId: log[1]!.eventId, reason: 'position 1 does not follow 1' });
  });
});

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

/** The plain definition canonicalJson must agree with: sorted keys, JSON.stringify for leaves. */
const reference = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
};

describe('canonicalJson against its plain definition', () => {
  it('writes exactly what the definition writes, for 5,000 awkward values', () => {
    for (const v of randomValues(5000)) expect(canonicalJson(v)).toBe(reference(v));
  });
});

