import { ANY, NO_STREAM, type ExpectedRevision } from '../expected-revision';
import { makeTestEvents } from './factory';
import { fails, ok, snapshot, type Kit } from './harness';

const S = 'progress-7-daoli';
/** The stream a condition names: in the ledger, the ledger stream its signing record lives on. */
const C = 'ledger';

/** An append's condition on another stream's revision, checked in the append's transaction. */
export const conditionContract = (kit: Kit) => {
  describe('append: condition on another stream', () => {
    it('appends when the other stream is at the revision the condition names', async () => {
      const store = kit.store();
      expect(await ok(store.append(S, makeTestEvents(1), ANY, { stream: C, expected: NO_STREAM }))).toMatchObject({ positions: [1] });
      await ok(store.append(C, makeTestEvents(2), NO_STREAM));
      expect(await ok(store.append(S, makeTestEvents(1), ANY, { stream: C, expected: 1 }))).toMatchObject({ positions: [4], nextRevision: 1 });
    });

    it('refuses, writing nothing, once the other stream moved: a ConcurrencyError naming that stream', async () => {
      const store = kit.store();
      await ok(store.append(C, makeTestEvents(1), NO_STREAM));
      await ok(store.append(S, makeTestEvents(1), NO_STREAM));
      const before = await snapshot(store);
      for (const stale of [NO_STREAM, 1] as ExpectedRevision[]) {
        const e = await fails(store.append(S, makeTestEvents(1), ANY, { stream: C, expected: stale }), 'ConcurrencyError');
        expect(e).toMatchObject({ stream: C, expected: stale, actual: 0 });
        expect(e.message).toContain(C);
      }
      expect(await snapshot(store)).toEqual(before);
    });

    it('serialises against the append that moves the other stream, when both are started together', async () => {
      const store = kit.store();
      await ok(store.append(C, makeTestEvents(1), NO_STREAM));
      const [moved, conditioned] = await Promise.all([store.append(C, makeTestEvents(1), 0)(), store.append(S, makeTestEvents(1), ANY, { stream: C, expected: 0 })()]);
      expect(moved._tag).toBe('Right');
      expect(conditioned).toMatchObject({ _tag: 'Left', left: { _tag: 'ConcurrencyError', stream: C, expected: 0, actual: 1 } });
      expect(await ok(store.streamRevision(S))).toBe(NO_STREAM);
    });

    it('answers a repeated append as stored, whatever its condition says now', async () => {
      const store = kit.store();
      const batch = makeTestEvents(1);
      const first = await ok(store.append(S, batch, ANY, { stream: C, expected: NO_STREAM }));
      await ok(store.append(C, makeTestEvents(1), NO_STREAM));
      expect(await ok(store.append(S, batch, ANY, { stream: C, expected: NO_STREAM }))).toEqual({ ...first, alreadyStored: true });
    });

    it.each([[{ stream: '', expected: NO_STREAM }], [{ stream: C, expected: -1 }], [{ stream: C, expected: 'latest' }]])('refuses the condition %j', async (bad) => {
      const e = await fails(kit.store().append(S, makeTestEvents(1), ANY, bad as { stream: string; expected: ExpectedRevision }), 'InvalidArgument');
      expect(e.message).toMatch(/^the append's condition/);
    });
  });
};
