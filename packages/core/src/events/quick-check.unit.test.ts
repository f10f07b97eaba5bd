import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EVENT_SCHEMAS } from './events';
import { MetadataSchema } from './metadata';
import { quickCheck } from './quick-check';

/** mulberry32, seeded: the same values on every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const head = { planId: 'harbin-2024', task: 13, metric: 't13-gas-pipe-renewal', place: 'daoli' };
const FIGURES = [
  { kind: 'quantity', value: '12.5', unit: '公里' },
  { kind: 'quantity', value: '2.55', unit: '万人' },
  { kind: 'ratio', numerator: '61', denominator: '112' },
  { kind: 'stage', stage: '竣工' },
  { kind: 'flag', value: true },
];
const REPORT = '01HK3QGM004C7A02YE62EDHN59';
const VALID: Record<string, unknown[]> = {
  ProgressReported: FIGURES.map((figure) => ({ ...head, asOf: '2024-05-01', figure })),
  ProgressCorrected: FIGURES.map((figure) => ({ ...head, asOf: '2024-05-02', figure, corrects: REPORT, reason: '录入时数字颠倒' })),
  ProgressRetracted: [{ ...head, retracts: REPORT, reason: '重复上报' }],
};
const METADATA = [
  { actor: { unit: 'hrss', person: '统计员' }, recordedAt: '2024-05-02T08:00:00.000Z', correlationId: 'c1' },
  { actor: { system: 'deadline-check' }, recordedAt: '2024-12-31T16:00:00+08:00', correlationId: 'c2', causationId: 'c1' },
  {
    actor: { unit: 'hrss' },
    recordedAt: '2024-05-02T08:00:00Z',
    correlationId: 'c3',
    source: { document: '哈政办发〔2024〕29号', attachmentSha256: 'ab'.repeat(32), note: '复核' },
  },
  { actor: { system: 'init' }, recordedAt: '2024-01-02T01:00:00.000Z', correlationId: 'c4', mode: 'simulated' },
  { actor: { unit: 'hrss' }, recordedAt: '2024-05-02T08:00:00.000Z', correlationId: 'c5', mode: 'production' },
];

/** Values a mutation puts somewhere: other types, edge cases of each field's rules, near misses. */
const ODD: unknown[] = [
  null, undefined, '', ' ', 'x', '-1', '-0', '1.5', '1e3', '01', '.5', '5.', '1,000', '١٢', 'NaN',
  '2024-13-45', '2024-02-30', '2024-5-1', '2024-05-01T00:00:00Z', '2024-05-02T08:00:00', '2024-05-02T25:00:00Z', '2024-02-29T00:00:00.1+08:00',
  0, -1, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, true, false, [], {}, [1], ['x'], { kind: 'quantity' },
  '个', '公里', 'km', '万人次', 'quantity', 'ratio', 'stage', 'flag', 'AB'.repeat(32), 'ab'.repeat(31), REPORT, REPORT.toLowerCase(),
];

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** One random change somewhere in `value` (a deep copy): a key dropped, added or given an odd value, a figure's kind swapped. */
const mutate = (value: unknown, rnd: () => number): unknown => {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  if (rnd() < 0.05) return pick(ODD);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return rnd() < 0.5 ? pick(ODD) : value;
  const copy = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = rnd();
  if (roll < 0.15 && keys.length) delete copy[pick(keys)];
  else if (roll < 0.25) copy[pick(['extra', 'Kind', 'value', 'unit', 'stage', 'numerator', 'system', 'source', 'reason'])] = pick(ODD);
  else if (roll < 0.3 && 'kind' in copy) copy.kind = pick(['quantity', 'ratio', 'stage', 'flag', 'other']);
  else if (keys.length) {
    const key = pick(keys);
    copy[key] = rnd() < 0.5 ? pick(ODD) : mutate(copy[key], rnd);
  }
  return copy;
};

const agrees = (name: string, schema: z.ZodType, valid: unknown[], seed: number) => {
  const quick = quickCheck(schema)!;
  const rnd = random(seed);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    let v: unknown = clone(valid[i % valid.length]);
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) v = mutate(v, rnd);
    if (!quick(v)) continue;
    accepted++;
    const zod = schema.safeParse(v);
    if (!zod.success) throw new Error(`${name}: the quick check accepted what zod refuses: ${JSON.stringify(v)}: ${zod.error.issues[0]?.message}`);
  }
  return accepted;
};

describe('quick checks compiled from the zod schemas', () => {
  it('exist for the hot event types and the metadata, so reads take the quick path', () => {
    for (const type of Object.keys(VALID)) expect(quickCheck(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS])).not.toBeNull();
    expect(quickCheck(MetadataSchema)).not.toBeNull();
  });

  it('say yes to every valid event and metadata the ledger writes', () => {
    for (const [type, values] of Object.entries(VALID)) {
      const quick = quickCheck(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS])!;
      for (const v of values) {
        expect(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS].safeParse(v).success).toBe(true);
        expect(quick(v)).toBe(true);
      }
    }
    for (const m of METADATA) expect(quickCheck(MetadataSchema)!(m)).toBe(true);
  });

  it.each(Object.keys(VALID))('never say yes where zod says no: %s, 20,000 random changes', (type) => {
    const accepted = agrees(type, EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS], VALID[type]!, 17);
    // Some changes leave the value valid (an odd value in an optional key, a swapped figure): those are said yes to.
    expect(accepted).toBeGreaterThan(100);
  });

  it('never say yes where zod says no: metadata, 20,000 random changes', () => {
    expect(agrees('metadata', MetadataSchema, METADATA, 29)).toBeGreaterThan(100);
  });

  it('say no (ask zod) for a value that is not a plain object, a missing key, an unknown key or a refused refinement', () => {
    const quick = quickCheck(EVENT_SCHEMAS.ProgressReported)!;
    const valid = VALID.ProgressReported![0] as Record<string, unknown>;
    expect(quick(Object.assign(Object.create({ inherited: 1 }), valid))).toBe(false);
    expect(quick([valid])).toBe(false);
    expect(quick({ ...valid, extra: 1 })).toBe(false);
    const { place: _place, ...noPlace } = valid;
    expect(quick(noPlace)).toBe(false);
    expect(quick({ ...valid, figure: { kind: 'quantity', value: '-1', unit: '公里' } })).toBe(false);
    // A plan may declare units of its own (issue 15): an event refuses a unit's shape, not a name it has not heard of.
    expect(quick({ ...valid, figure: { kind: 'quantity', value: '1', unit: '2 km' } })).toBe(false);
    expect(quickCheck(MetadataSchema)!({ actor: { person: '统计员' }, recordedAt: '2024-05-02T08:00:00Z', correlationId: 'c' })).toBe(false);
  });

  it('leave to zod alone a schema with anything they do not know', () => {
    expect(quickCheck(z.object({ a: z.string() }))).toBeNull(); // not strict: zod strips unknown keys
    expect(quickCheck(z.object({ a: z.array(z.string()) }).strict())).toBeNull();
    expect(quickCheck(z.object({ a: z.string().transform((s) => s.trim()) }).strict())).toBeNull();
    expect(quickCheck(z.object({ a: z.union([z.string(), z.number()]) }).strict())).toBeNull();
    expect(quickCheck(z.object({ a: z.coerce.number() }).strict())).toBeNull();
    // Formats zod checks with code of its own, not a pattern alone.
    for (const format of [z.email(), z.base64(), z.ipv6(), z.base64url()]) expect(quickCheck(z.object({ a: format }).strict())).toBeNull();
    expect(quickCheck(z.object({ a: z.exactOptional(z.string()) }).strict())).toBeNull();
    expect(quickCheck(z.object({ [Symbol('a')]: z.string() }).strict())).toBeNull();
    expect(quickCheck(EVENT_SCHEMAS.PlanPublished)).toBeNull();
  });

  /** Every construct the quick check knows, each tried against zod on values chosen to sit on their edges. */
  const EDGES: unknown[] = [
    ...ODD, '😀', 'a😀', '\ud800', '\udc00x', 'ab', 'é', -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, 0.1 + 0.2, 3, 2.0,
    Object.create(null), Object.setPrototypeOf([], null), Object.assign(Object.create(null), { a: 'x' }), JSON.parse('{"__proto__": {"a": 1}, "a": "x"}'),
    { a: 'x' }, { a: 'x', b: 1 }, { a: undefined }, { kind: 'x', n: 1 }, { kind: 'y', s: 'ab' }, { kind: 1 }, { kind: 'x', n: 1.5 }, new Date(0), /x/,
  ];
  const CONSTRUCTS: Record<string, z.ZodType> = {
    'min 2 (code points)': z.string().min(2),
    'min 1': z.string().min(1),
    'max 2': z.string().max(2),
    'max NaN': z.string().max(Number.NaN),
    'min NaN': z.string().min(Number.NaN),
    regex: z.string().regex(/^a/),
    'global regex': z.string().regex(/a/g),
    datetime: z.iso.datetime({ offset: true }),
    'z.int()': z.int(),
    'int, positive': z.number().int().positive(),
    'lte 3, gte -0': z.number().lte(3).gte(-0),
    boolean: z.boolean(),
    literal: z.literal('x'),
    'refine that throws': z.string().refine((s) => {
      if (s.length > 3) throw new Error('boom');
      return s.startsWith('a');
    }),
    'strict object': z.object({ a: z.string().optional() }).strict(),
    'strict object, required key': z.object({ a: z.string() }).strict(),
    'discriminated union': z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('x'), n: z.number().int() }).strict(),
      z.object({ kind: z.literal('y'), s: z.string().min(2) }).strict(),
    ]),
  };

  it.each(Object.keys(CONSTRUCTS))('agree with zod at the edges: %s', (name) => {
    const schema = CONSTRUCTS[name]!;
    const quick = quickCheck(schema);
    expect(quick).not.toBeNull();
    for (const v of EDGES) if (quick!(v)) expect([name, v, schema.safeParse(v).success]).toEqual([name, v, true]);
  });

  it('compile to code of their own, keys written as JSON strings and every other value passed in', () => {
    const odd = z.object({ 'a"b\n': z.string().max(3), '__proto__x': z.literal('x').optional() }).strict();
    const quick = quickCheck(odd)!;
    expect(quick({ 'a"b\n': 'abc' })).toBe(true);
    expect(quick({ 'a"b\n': 'abcd' })).toBe(false);
    expect(quick({ 'a"b\n': 'a', __proto__x: 'x' })).toBe(true);
    expect(quick({ 'a"b\n': 'a', __proto__x: 'y' })).toBe(false);
    const source = quick.toString();
    expect(source).toContain(JSON.stringify('a"b\n'));
    // The bound and the literal are constants, not text of the source.
    expect(source).toMatch(/length <= c\d+/);
    expect(source).not.toMatch(/\b3\b|'x'|"x"/);
  });

  it('call a refinement as a plain function, as zod does', () => {
    const seen: unknown[] = [];
    const quick = quickCheck(
      z.string().refine(function (this: unknown, s) {
        seen.push(this);
        return s.length > 0;
      }),
    )!;
    expect(quick('a')).toBe(true);
    expect(seen).toEqual([undefined]);
  });

  it('leave to zod a union in which two options name the same value of the discriminator', () => {
    const twice = z.discriminatedUnion('k', [
      z.object({ k: z.literal(['x', 'y']), a: z.string() }).strict(),
      z.object({ k: z.literal('y'), b: z.string() }).strict(),
    ]);
    expect(quickCheck(twice)).toBeNull();
    const several = quickCheck(
      z.discriminatedUnion('k', [z.object({ k: z.literal(['x', 'y']), a: z.string() }).strict(), z.object({ k: z.literal('z') }).strict()]),
    )!;
    expect([several({ k: 'x', a: '' }), several({ k: 'y', a: '' }), several({ k: 'z' }), several({ k: 'y' }), several({ k: 'w' })]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('are left out where code may not be compiled at run time: zod alone checks every event', () => {
    // Run from the compiled library, in a Node that refuses code generation from strings.
    const dist = join(__dirname, '..', '..', 'dist');
    const script = `
      const core = require(${JSON.stringify(join(dist, 'index.js'))});
      const { quickCheck } = require(${JSON.stringify(join(dist, 'events', 'quick-check.js'))});
      const report = { planId: 'harbin-2024', task: 13, metric: 't13-gas-pipe-renewal', place: 'daoli', asOf: '2024-05-01',
        figure: { kind: 'quantity', value: '12.5', unit: '公里' } };
      const metadata = { actor: { unit: 'hrss', person: '统计员' }, recordedAt: '2024-05-02T08:00:00.000Z', correlationId: 'c1' };
      const e = (data) => ({ eventId: '01HK3QGM004C7A02YE62EDHN59', type: 'ProgressReported', schemaVersion: 2, data, metadata });
      const bad = core.ledgerRegistry.checkNew(e({ ...report, place: '' }));
      console.log(JSON.stringify([
        quickCheck(core.MetadataSchema) === null,
        core.ledgerRegistry.checkNew(e(report))._tag,
        bad._tag, bad.left && bad.left.path,
      ]));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([true, 'Right', 'Left', 'data.place']);
    // The compiled library is this code (the test command builds it first), not an older one.
    expect(readFileSync(join(dist, 'events', 'quick-check.js'), 'utf8')).toContain('new Function');
  });
});
