import { chainHashV2, chainVerifier, GENESIS_HASH, HASH_VERSION, type ChainBreak, type StoredEvent } from '@minsheng/core';
import { iterateAll } from '../catch-up';
import { ANY, NO_STREAM } from '../expected-revision';
import type { EventStore } from '../port';
import { makeTestEvents, makeV1Report } from './factory';
import { fails, ok, type Kit } from './harness';

/** Ten events over three streams and four appends. */
const seed = async (store: EventStore) => {
  await ok(store.append('progress-a', makeTestEvents(3), NO_STREAM));
  await ok(store.append('progress-b', makeTestEvents(1), NO_STREAM));
  await ok(store.append('progress-c', makeTestEvents(4), NO_STREAM));
  await ok(store.append('progress-a', makeTestEvents(2), 2));
};

/** The first break in the stored log, read raw a page at a time as an auditor would. */
const firstBreak = async (store: EventStore): Promise<ChainBreak & { checked: number }> => {
  const verifier = chainVerifier();
  for await (const e of iterateAll(store, { raw: true, batchSize: 3 })) {
    const r = verifier.check(e);
    if (r._tag === 'ChainBroken') return { ...r, checked: verifier.count };
  }
  return { _tag: 'ChainOk', checked: verifier.count };
};

export const chainContract = (kit: Kit) => {
  const when = (possible: boolean) => (possible ? it : it.skip);

  describe('hash chain', () => {
    it('links every event to the one before it in the global log', async () => {
      const store = kit.store();
      await seed(store);
      const log = await ok(store.readAll({ raw: true }));
      expect(log).toHaveLength(10);
      log.forEach((e: StoredEvent, i) => {
        expect(e.prevHash).toBe(i === 0 ? GENESIS_HASH : log[i - 1]!.hash);
        // Hash version 2: the hash covers the position and stored_at as well as the content.
        expect(e.hashVersion).toBe(HASH_VERSION);
        expect(e.storedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(e.hash).toBe(chainHashV2(e.prevHash, e.stream, e.revision, e.position, e.storedAt!, e));
        expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      });
      const viaStream = await ok(store.readStream('progress-a', { raw: true }));
      expect(viaStream.map((e) => [e.hash, e.storedAt, e.hashVersion])).toEqual(
        log.filter((e) => e.stream === 'progress-a').map((e) => [e.hash, e.storedAt, e.hashVersion]),
      );
      expect(await ok(store.readEvent(log[4]!.eventId, { raw: true }))).toMatchObject({ storedAt: log[4]!.storedAt, hashVersion: HASH_VERSION });
      expect(viaStream.map((e) => e.hash)).toEqual(log.filter((e) => e.stream === 'progress-a').map((e) => e.hash));
    });

    it('is accepted whole by chainVerifier', async () => {
      const store = kit.store();
      await seed(store);
      expect(await firstBreak(store)).toEqual({ _tag: 'ChainOk', checked: 10 });
    });

    when(!!kit.seedRaw)('covers events stored raw as well (an old version verifies as stored)', async () => {
      const store = kit.store();
      await seed(store);
      await kit.seedRaw!('progress-b', makeV1Report());
      await ok(store.append('progress-b', makeTestEvents(1), ANY));
      expect(await firstBreak(store)).toEqual({ _tag: 'ChainOk', checked: 12 });
    });

    when(!!kit.corrupt)('names the first event whose stored content was changed', async () => {
      const store = kit.store();
      await seed(store);
      const [fifth] = await ok(store.readAll({ fromPosition: 4, maxCount: 1 }));
      const forged = { ...(fifth!.data as object), figure: { kind: 'quantity', value: '99999', unit: '个' } };
      await kit.corrupt!(5, { kind: 'field', field: 'data', value: forged });
      // The forged figure is a valid one: only the chain can tell (checked reads refuse it, see contract-checked.ts).
      expect((await ok(store.readEvent(fifth!.eventId, { raw: true })))!.data).toEqual(forged);
      expect(await firstBreak(store)).toMatchObject({ _tag: 'ChainBroken', position: 5, eventId: fifth!.eventId, checked: 4 });
      await fails(store.readEvent(fifth!.eventId), 'BrokenChain');
    });

    when(!!kit.corrupt)('names the first event whose stored hash or link was changed', async () => {
      const store = kit.store();
      await seed(store);
      await kit.corrupt!(7, { kind: 'field', field: 'prevHash', value: 'f'.repeat(64) });
      expect(await firstBreak(store)).toMatchObject({ _tag: 'ChainBroken', position: 7 });
      await kit.corrupt!(3, { kind: 'field', field: 'hash', value: 'e'.repeat(64) });
      expect(await firstBreak(store)).toMatchObject({ _tag: 'ChainBroken', position: 3 });
    });

    when(!!kit.corrupt)('names an event whose metadata was changed', async () => {
      const store = kit.store();
      await seed(store);
      const [second] = await ok(store.readAll({ fromPosition: 1, maxCount: 1 }));
      await kit.corrupt!(2, { kind: 'field', field: 'metadata', value: { ...second!.metadata, actor: { unit: 'someone-else' } } });
      expect(await firstBreak(store)).toMatchObject({ _tag: 'ChainBroken', position: 2 });
    });
  });
};
