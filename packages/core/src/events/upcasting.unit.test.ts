import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { EventEnvelope } from './envelope';
import type { SchemaViolation } from './registry';
import { ledgerRegistry } from './upcasting';

const metadata = { actor: { unit: 'hrss' }, recordedAt: '2024-10-15T10:00:00+08:00', correlationId: 'c-1' };
const head = { planId: 'mini-2024', task: 1, metric: 't01-stations', place: 'east', asOf: '2024-09-30' };

const stored = (schemaVersion: number, data: unknown, over: Partial<EventEnvelope> = {}): EventEnvelope => ({
  eventId: '01J9ZA0000000000000000REP1',
  type: 'ProgressReported',
  schemaVersion,
  data,
  metadata,
  ...over,
});

const rightOf = (r: Either<SchemaViolation, EventEnvelope>): EventEnvelope => {
  if (isLeft(r)) throw new Error(`expected the event to pass, got: ${r.left.message}`);
  return r.right;
};

const violationOf = (r: Either<SchemaViolation, EventEnvelope>): SchemaViolation => {
  if (isRight(r)) throw new Error('expected a SchemaViolation, the event passed');
  return r.left;
};

describe('ledgerRegistry.upcast: ProgressReported v1 → v2', () => {
  it.each([
    ['a flat value and unit', { value: '12', unit: '个' }, { kind: 'quantity', value: '12', unit: '个' }],
    ['a value in 万人', { value: '2.55', unit: '万人' }, { kind: 'quantity', value: '2.55', unit: '万人' }],
    ['a numerator and denominator', { numerator: '30', denominator: '40' }, { kind: 'ratio', numerator: '30', denominator: '40' }],
    ['a ratio that also carried its unit', { numerator: '30', denominator: '40', unit: '%' }, { kind: 'ratio', numerator: '30', denominator: '40' }],
    ['a stage', { stage: '可研编制' }, { kind: 'stage', stage: '可研编制' }],
    ['a yes/no', { value: true }, { kind: 'flag', value: true }],
  ])('reads %s as one figure', (_, v1, figure) => {
    const up = rightOf(ledgerRegistry.upcast(stored(1, { ...head, ...v1 })));
    expect(up.schemaVersion).toBe(2);
    expect(up.data).toEqual({ ...head, figure });
  });

  it('keeps the envelope as stored and does not rewrite the stored data', () => {
    const data = { ...head, value: '12', unit: '个' };
    const e = stored(1, data);
    const up = rightOf(ledgerRegistry.upcast(e));
    expect(up).toMatchObject({ eventId: e.eventId, type: 'ProgressReported', metadata });
    expect(e.data).toEqual({ ...head, value: '12', unit: '个' });
    expect(e.schemaVersion).toBe(1);
  });

  it('reads a current (v2) event as it is', () => {
    const data = { ...head, figure: { kind: 'quantity', value: '12', unit: '个' } };
    expect(rightOf(ledgerRegistry.upcast(stored(2, data)))).toEqual(stored(2, data));
  });

  it('checks the upcast data against the current schema, naming the path', () => {
    const v = violationOf(ledgerRegistry.upcast(stored(1, { ...head, value: '12' })));
    expect(v).toMatchObject({ _tag: 'SchemaViolation', path: 'data.figure.unit', schemaVersion: 2 });
  });

  it('refuses a version it does not know', () => {
    for (const version of [0, 3, 1.5]) {
      const v = violationOf(ledgerRegistry.upcast(stored(version, { ...head, value: '12', unit: '个' })));
      expect(v).toMatchObject({ _tag: 'SchemaViolation', path: 'schemaVersion' });
      expect(v.message).toContain(`no version ${version} of ProgressReported`);
    }
  });

  it('refuses an unknown event type', () => {
    expect(violationOf(ledgerRegistry.upcast(stored(1, head, { type: 'ProgressDeleted' })))).toMatchObject({ path: 'type' });
  });
});

describe('ledgerRegistry.checkNew', () => {
  const current = stored(2, { ...head, figure: { kind: 'quantity', value: '12', unit: '个' } });

  it('accepts a current event', () => {
    expect(rightOf(ledgerRegistry.checkNew(current))).toEqual(current);
  });

  it('refuses to append an old version: only stored events are upcast', () => {
    const v = violationOf(ledgerRegistry.checkNew(stored(1, { ...head, value: '12', unit: '个' })));
    expect(v).toMatchObject({
      _tag: 'SchemaViolation',
      eventId: current.eventId,
      type: 'ProgressReported',
      schemaVersion: 1,
      path: 'schemaVersion',
    });
    expect(v.message).toBe(
      `event ${current.eventId} (ProgressReported v1): schemaVersion: new ProgressReported events must be version 2`,
    );
  });

  it('refuses an unknown event type', () => {
    const v = violationOf(ledgerRegistry.checkNew({ ...current, type: 'ProgressDeleted' }));
    expect(v).toMatchObject({ path: 'type', reason: 'unknown event type "ProgressDeleted"' });
  });

  it.each(['not-a-ulid', '01J9ZA0000000000000000REPI', '01j9za0000000000000000rep1', ''])('refuses the event id %p', (eventId) => {
    expect(violationOf(ledgerRegistry.checkNew({ ...current, eventId }))).toMatchObject({ path: 'eventId' });
  });

  it('refuses metadata without an actor, naming the path', () => {
    const { actor: _, ...noActor } = metadata;
    const v = violationOf(ledgerRegistry.checkNew({ ...current, metadata: noActor as never }));
    expect(v).toMatchObject({ _tag: 'SchemaViolation', path: 'metadata.actor' });
    expect(v.message).toContain('metadata.actor');
  });

  it('refuses an actor that names neither a unit nor a system', () => {
    const v = violationOf(ledgerRegistry.checkNew({ ...current, metadata: { ...metadata, actor: { person: '张三' } } }));
    expect(v).toMatchObject({ path: 'metadata.actor', reason: 'an actor names a responsible unit or a system' });
  });

  it('refuses a recordedAt that is not an instant', () => {
    const v = violationOf(ledgerRegistry.checkNew({ ...current, metadata: { ...metadata, recordedAt: '2024-10-15' } }));
    expect(v).toMatchObject({ path: 'metadata.recordedAt' });
  });

  it('refuses data that does not match the schema, naming the path', () => {
    const negative = { ...head, figure: { kind: 'quantity', value: '-1', unit: '个' } };
    expect(violationOf(ledgerRegistry.checkNew(stored(2, negative)))).toMatchObject({
      path: 'data.figure.value',
      reason: 'must not be negative',
    });
    const extra = { ...head, figure: { kind: 'quantity', value: '1', unit: '个' }, note: 'x' };
    expect(violationOf(ledgerRegistry.checkNew(stored(2, extra)))).toMatchObject({ path: 'data' });
    const float = { ...head, figure: { kind: 'quantity', value: 2.55, unit: '万人' } };
    expect(violationOf(ledgerRegistry.checkNew(stored(2, float)))).toMatchObject({ path: 'data.figure.value' });
  });
});
