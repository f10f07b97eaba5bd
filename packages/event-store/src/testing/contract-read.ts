import { NO_STREAM } from '../expected-revision';
import type { EventStore } from '../port';
import { makeTestEvent, makeTestEvents } from './factory';
import { fails, ok, oneTo, type Kit } from './harness';

const S = 'progress-7-daoli';

/** Ten events in S (positions 1, 3, 5, ... interleaved with another stream). */
const seedInterleaved = async (store: EventStore) => {
  for (let i = 0; i < 10; i++) {
    await ok(store.append(S, makeTestEvents(1, { value: String(i) }), i === 0 ? NO_STREAM : i - 1));
    await ok(store.append('progress-7-nangang', makeTestEvents(1), i === 0 ? NO_STREAM : i - 1));
  }
};
const revisions = (events: readonly { revision: number }[]) => events.map((e) => e.revision);

export const readContract = (kit: Kit) => {
  describe('readStream', () => {
    it('reads forward from revision 0 by default, only its own stream', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      const all = await ok(store.readStream(S));
      expect(revisions(all)).toEqual(oneTo(10).map((i) => i - 1));
      expect(all.every((e) => e.stream === S)).toBe(true);
      expect(all.map((e) => e.position)).toEqual(oneTo(10).map((i) => 2 * i - 1));
      expect(all.map((e) => (e.data as { figure: { value: string } }).figure.value)).toEqual(oneTo(10).map((i) => String(i - 1)));
    });

    it('reads forward from a revision, at most maxCount', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      expect(revisions(await ok(store.readStream(S, { fromRevision: 4 })))).toEqual([4, 5, 6, 7, 8, 9]);
      expect(revisions(await ok(store.readStream(S, { fromRevision: 4, maxCount: 3 })))).toEqual([4, 5, 6]);
      expect(revisions(await ok(store.readStream(S, { maxCount: 2 })))).toEqual([0, 1]);
      expect(await ok(store.readStream(S, { fromRevision: 10 }))).toEqual([]);
    });

    it('reads backward from the last revision by default, or from a revision', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      expect(revisions(await ok(store.readStream(S, { direction: 'backward' })))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(revisions(await ok(store.readStream(S, { direction: 'backward', maxCount: 1 })))).toEqual([9]);
      expect(revisions(await ok(store.readStream(S, { direction: 'backward', fromRevision: 5, maxCount: 2 })))).toEqual([5, 4]);
      expect(revisions(await ok(store.readStream(S, { direction: 'backward', fromRevision: 50, maxCount: 2 })))).toEqual([9, 8]);
    });

    it('reads a stream that does not exist as empty, in both directions', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      expect(await ok(store.readStream('progress-nowhere'))).toEqual([]);
      expect(await ok(store.readStream('progress-nowhere', { direction: 'backward' }))).toEqual([]);
      expect(await ok(store.streamRevision('progress-nowhere'))).toBe(NO_STREAM);
    });

    it.each([[{ fromRevision: -1 }], [{ maxCount: 0 }], [{ maxCount: 1.5 }], [{ direction: 'sideways' }]])('refuses %j', async (bad) => {
      await fails(kit.store().readStream(S, bad as object), 'InvalidArgument');
    });
  });

  describe('readAll', () => {
    it('reads the global log from the start, or after a position', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      expect((await ok(store.readAll())).map((e) => e.position)).toEqual(oneTo(20));
      expect((await ok(store.readAll({ fromPosition: 12 }))).map((e) => e.position)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
      expect(await ok(store.readAll({ fromPosition: 20 }))).toEqual([]);
      expect(await ok(store.readAll({ fromPosition: 500 }))).toEqual([]);
    });

    it('pages with maxCount without skipping or repeating an event', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      const whole = await ok(store.readAll());
      const paged = [];
      for (let from = 0; ; ) {
        const page = await ok(store.readAll({ fromPosition: from, maxCount: 7 }));
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(7);
        paged.push(...page);
        from = page[page.length - 1]!.position;
      }
      expect(paged).toEqual(whole);
    });

    it('reads an empty store as empty, at head position 0', async () => {
      const store = kit.store();
      expect(await ok(store.readAll())).toEqual([]);
      expect(await ok(store.headPosition())).toBe(0);
    });

    it.each([[{ fromPosition: -1 }], [{ fromPosition: 0.5 }], [{ maxCount: 0 }]])('refuses %j', async (bad) => {
      await fails(kit.store().readAll(bad), 'InvalidArgument');
    });
  });

  describe('readEvent, streamRevision, headPosition', () => {
    it('reads one event by id wherever it is stored, or null', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      const all = await ok(store.readAll());
      expect(await ok(store.readEvent(all[13]!.eventId))).toEqual(all[13]);
      expect(await ok(store.readEvent(makeTestEvent().eventId))).toBeNull();
    });

    it('tells each stream’s revision and the head of the log', async () => {
      const store = kit.store();
      await seedInterleaved(store);
      await ok(store.append(S, makeTestEvents(3), 9));
      expect(await ok(store.streamRevision(S))).toBe(12);
      expect(await ok(store.streamRevision('progress-7-nangang'))).toBe(9);
      expect(await ok(store.headPosition())).toBe(23);
    });
  });

  describe('what is stored is what was appended', () => {
    it('returns every field of the envelope unchanged', async () => {
      const store = kit.store();
      const e = makeTestEvent({ note: '第二季度报表', correlationId: 'req-42' });
      await ok(store.append(S, [e], NO_STREAM));
      const [read] = await ok(store.readStream(S));
      expect(read).toMatchObject({ stream: S, revision: 0, position: 1, eventId: e.eventId, type: e.type, schemaVersion: 2 });
      expect(read!.data).toEqual(e.data);
      expect(read!.metadata).toEqual(e.metadata);
    });

    it('is not changed by callers mutating what they appended or what they read', async () => {
      const store = kit.store();
      const e = makeTestEvent({ value: '1200' });
      await ok(store.append(S, [e], NO_STREAM));
      (e.data.figure as { value: string }).value = '9999';
      const [first] = await ok(store.readStream(S));
      (first!.data as { place: string }).place = 'tampered';
      const [again] = await ok(store.readStream(S));
      expect(again!.data).toMatchObject({ place: '道里区', figure: { value: '1200' } });
    });

    it('keeps Chinese, emoji, astral and unusual characters exactly', async () => {
      const store = kit.store();
      const stage = '🏗️ 施工中（二期）𠀀𩸽 👩‍👩‍👧 "quoted" \\ back\nslash \t tab \u0000 nul \ud800 lone \u2028 sep';
      const e = makeTestEvent({
        place: '松北区·太阳岛',
        figure: { kind: 'stage', stage },
        actor: { unit: '哈尔滨市住房和城乡建设局', person: '李娜 🧑‍💼' },
        note: '见附件𝌆：「冰雪大世界」周边',
      });
      const stream = 'progress-松北区-🏗️';
      await ok(store.append(stream, [e], NO_STREAM));
      const [read] = await ok(store.readStream(stream));
      expect(read!.stream).toBe(stream);
      expect(read!.data).toEqual(e.data);
      expect((read!.data as { figure: { stage: string } }).figure.stage).toBe(stage);
      expect(read!.metadata).toEqual(e.metadata);
      expect(await ok(store.readAll({ raw: true }))).toEqual([expect.objectContaining({ data: e.data, metadata: e.metadata })]);
    });
  });
};
