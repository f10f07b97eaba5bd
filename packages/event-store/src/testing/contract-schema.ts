import type { EventEnvelope } from '@minsheng/core';
import { ANY, NO_STREAM } from '../expected-revision';
import { makeTestEvent, makeTestEvents, makeV1Report } from './factory';
import { fails, ok, snapshot, type Kit } from './harness';

const S = 'progress-7-daoli';

const withData = (patch: Record<string, unknown>): EventEnvelope => {
  const e = makeTestEvent();
  return { ...e, data: { ...e.data, ...patch } };
};
const without = (key: string): EventEnvelope => {
  const e = makeTestEvent();
  const { [key]: _dropped, ...data } = e.data as Record<string, unknown>;
  return { ...e, data };
};

const badEvents: ReadonlyArray<[string, string, () => EventEnvelope]> = [
  ['a report without a figure', 'data.figure', () => without('figure')],
  ['a figure that is not a decimal', 'data.figure.value', () => makeTestEvent({ value: '1,200' })],
  ['a figure as a JS number', 'data.figure.value', () => withData({ figure: { kind: 'quantity', value: 1200, unit: '个' } })],
  ['a unit that is no unit word (digits, spaces)', 'data.figure.unit', () => makeTestEvent({ unit: '12 furlongs' })],
  ['a task number that is not an integer', 'data.task', () => withData({ task: 7.5 })],
  ['metadata without an actor', 'metadata.actor', () => ({ ...makeTestEvent(), metadata: { recordedAt: '2024-07-01T09:30:00+08:00', correlationId: 'r' } as never })],
  ['an event id that is not a ULID', 'eventId', () => ({ ...makeTestEvent(), eventId: 'report-1' })],
  ['an unknown event type', 'type', () => ({ ...makeTestEvent(), type: 'ProgressGuessed' })],
  ['a ProgressReported of the old version 1', 'schemaVersion', () => makeV1Report()],
];

/** Writes a v1 ProgressReported the way the adapter can: seedRaw, or a v2 event damaged back into v1. */
const storeV1 = async (kit: Kit, v1: EventEnvelope): Promise<void> => {
  if (kit.seedRaw) return kit.seedRaw(S, v1);
  const position = (await ok(kit.store().append(S, [{ ...makeTestEvent(), eventId: v1.eventId }], ANY))).positions[0]!;
  await kit.corrupt!(position, { kind: 'field', field: 'data', value: v1.data });
  await kit.corrupt!(position, { kind: 'field', field: 'schemaVersion', value: 1 });
};

export const schemaContract = (kit: Kit) => {
  describe('schemas on append', () => {
    it.each(badEvents)('refuses %s with a SchemaViolation at %s, writing nothing', async (_what, path, make) => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(2), NO_STREAM));
      const before = await snapshot(store);
      const bad = make();
      const e = await fails(store.append(S, [makeTestEvent(), bad], 1), 'SchemaViolation');
      expect(e).toMatchObject({ eventId: bad.eventId, type: bad.type, path });
      expect(e.message).toContain(path);
      expect(await snapshot(store)).toEqual(before);
    });
  });

  describe('schemas on read', () => {
    const when = (possible: boolean) => (possible ? it : it.skip);

    when(!!(kit.seedRaw || kit.corrupt))('upcasts a stored v1 ProgressReported to v2, and returns it as stored with raw', async () => {
      const store = kit.store();
      await ok(store.append(S, makeTestEvents(1), NO_STREAM));
      const v1 = makeV1Report({ value: '2.55', unit: '万人' });
      await storeV1(kit, v1);
      const figure = { kind: 'quantity', value: '2.55', unit: '万人' };

      const [, read] = await ok(store.readStream(S));
      expect(read).toMatchObject({ eventId: v1.eventId, schemaVersion: 2, revision: 1 });
      expect(read!.data).toEqual({ planId: 'harbin-2024-livelihood', task: 7, metric: 'new-public-kindergarten-places', place: '南岗区', asOf: '2024-06-30', figure });
      expect((await ok(store.readAll()))[1]!.data).toEqual(read!.data);
      expect((await ok(store.readEvent(v1.eventId)))!.data).toEqual(read!.data);

      const raw = (await ok(store.readAll({ raw: true })))[1]!;
      expect(raw).toMatchObject({ eventId: v1.eventId, schemaVersion: 1, data: v1.data });
      expect((await ok(store.readStream(S, { raw: true })))[1]).toEqual(raw);
      expect(await ok(store.readEvent(v1.eventId, { raw: true }))).toEqual(raw);
    });

    // Stored by an older release (or by hand) with a valid hash, so only the schema can tell.
    when(!!kit.seedRaw)('refuses to read a stored event that fails its schema, except raw', async () => {
      const store = kit.store();
      const [a, b, c] = makeTestEvents(3);
      await ok(store.append(S, [a!], NO_STREAM));
      await kit.seedRaw!(S, { ...b!, data: { ...b!.data, figure: { kind: 'quantity', value: 'lots', unit: '个' } } });
      await ok(store.append(S, [c!], ANY));

      expect(await fails(store.readAll(), 'SchemaViolation')).toMatchObject({ eventId: b!.eventId, path: 'data.figure.value' });
      await fails(store.readStream(S), 'SchemaViolation');
      await fails(store.readEvent(b!.eventId), 'SchemaViolation');
      expect(await ok(store.readAll({ maxCount: 1 }))).toHaveLength(1);
      expect((await ok(store.readAll({ raw: true })))[1]!.data).toMatchObject({ figure: { value: 'lots' } });
    });

    when(!!kit.corrupt)('reports damaged stored bytes as CorruptEvent naming the position, raw or not', async () => {
      const store = kit.store();
      const events = makeTestEvents(5);
      await ok(store.append(S, events, NO_STREAM));
      await kit.corrupt!(4, { kind: 'bytes' });
      const id = events[3]!.eventId;

      for (const raw of [false, true]) {
        expect(await fails(store.readAll({ raw }), 'CorruptEvent')).toMatchObject({ position: 4, eventId: id });
        expect(await fails(store.readStream(S, { raw }), 'CorruptEvent')).toMatchObject({ position: 4 });
        expect(await fails(store.readEvent(id, { raw }), 'CorruptEvent')).toMatchObject({ position: 4 });
        expect(await ok(store.readAll({ raw, maxCount: 3 }))).toHaveLength(3);
        expect(await ok(store.readAll({ raw, fromPosition: 4 }))).toHaveLength(1);
      }
      expect((await fails(store.readAll(), 'CorruptEvent')).message).toContain('position 4');
    });
  });
};
