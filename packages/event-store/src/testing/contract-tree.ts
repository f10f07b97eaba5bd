import { verifyConsistency, verifyInclusion } from '@minsheng/verify';
import { NO_STREAM } from '../expected-revision';
import { eventLeaf, storedTreeView, treeOfEvents } from '../log-tree';
import type { EventStore } from '../port';
import { makeTestEvents } from './factory';
import { ok, type Kit } from './harness';

/**
 * The store's own tree. Every store keeps one as it appends (issue 16) but the EventStoreDB
 * adapter, whose tree is computed on read: none there.
 */
const storedView = async (store: EventStore) => {
  if (!store.tree) {
    expect(store.engine).toBe('eventstoredb');
    return null;
  }
  return storedTreeView(store.tree, await store.tree.leafCount());
};

export const treeContract = (kit: Kit) => {
  describe('Merkle tree over the log (RFC 9162)', () => {
    it('keeps, as it appends one by one and in batches, the tree an auditor computes from the log', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(3), NO_STREAM));
      await ok(store.appendBatches([
        { stream: 'progress-b', events: makeTestEvents(4), expected: NO_STREAM },
        { stream: 'progress-c', events: makeTestEvents(2), expected: NO_STREAM },
      ]));
      for (let i = 0; i < 4; i++) await ok(store.append(`progress-d${i}`, makeTestEvents(1), NO_STREAM));
      const log = await ok(store.readAll({ raw: true }));
      const computed = treeOfEvents(log);
      expect(computed.size).toBe(13);
      const stored = await storedView(store);
      if (!stored) return;
      expect(stored.size).toBe(13);
      for (let n = 1; n <= 13; n++) expect((await stored.root(n)).toString('hex')).toBe(computed.root(n).toString('hex'));
      for (let m = 0; m < 13; m++) {
        const path = await stored.inclusion(m, 13);
        expect(verifyInclusion(m, 13, eventLeaf(log[m]!)!, path, computed.root())).toBe(true);
      }
      for (let m = 1; m <= 13; m++) expect(verifyConsistency(m, 13, computed.root(m), computed.root(), await stored.consistency(m, 13))).toBe(true);
    });

    it('takes no leaf for a refused append', async () => {
      const store = kit.store();
      await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
      expect((await store.append('progress-a', makeTestEvents(1), NO_STREAM)())._tag).toBe('Left');
      const batch = await store.appendBatches([
        { stream: 'progress-b', events: makeTestEvents(2), expected: NO_STREAM },
        { stream: 'progress-a', events: makeTestEvents(1), expected: NO_STREAM },
      ])();
      expect(batch._tag).toBe('Left');
      await ok(store.append('progress-c', makeTestEvents(1), NO_STREAM));
      const log = await ok(store.readAll({ raw: true }));
      expect(log).toHaveLength(3);
      const stored = await storedView(store);
      if (!stored) return;
      expect(stored.size).toBe(3);
      expect((await stored.root()).toString('hex')).toBe(treeOfEvents(log).root().toString('hex'));
    });
  });
};
