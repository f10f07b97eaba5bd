import { EventStoreDBClient } from '@eventstore/db-client';
import { chainVerifier, ledgerRegistry } from '@minsheng/core';
import { ANY, NO_STREAM, chainRow, encodeEvent, iterateAll, type EventStore } from '@minsheng/event-store';
import { makeTestEvent, makeTestEvents, ok, runEventStoreContract } from '@minsheng/event-store/testing';
import { toLogEvent } from './codec';
import { eventStoreDbContract, freshLedger } from './contract-harness';
import { ledgerStreams } from './names';
import { createEventStoreDbStore } from './store';

const url = process.env['EVENTSTOREDB_URL'];
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

if (!url) {
  describe('eventstoredb: EventStore contract', () => {
    it.skip('contract suite: skipped because $EVENTSTOREDB_URL is not set (see docs/eventstoredb.md to run it)', () => undefined);
  });
  console.info('store-eventstoredb: the contract suite is SKIPPED because $EVENTSTOREDB_URL is not set; e.g. EVENTSTOREDB_URL=esdb://localhost:2113?tls=false');
} else {
  const client = EventStoreDBClient.connectionString(url);
  afterAll(() => client.dispose());

  console.info(
    'store-eventstoredb: tests that damage a stored event in place are skipped by the kit: ESDB never changes a stored event ' +
      '(no corrupt hook); deletion and truncation are tested below instead.',
  );
  runEventStoreContract('eventstoredb', eventStoreDbContract(client));

  describe('eventstoredb: beyond the contract', () => {
    const open = (ledger: string, c = client): EventStore => createEventStoreDbStore({ client: c, ledger, registry: ledgerRegistry });

    it('two processes appending at once: dense positions, one whole chain, exact revisions, nothing lost', async () => {
      const ledger = freshLedger('two_writers');
      const other = EventStoreDBClient.connectionString(url);
      const [a, b] = [open(ledger), open(ledger, other)];
      const sent: string[] = [];
      const writer = async (store: EventStore, name: string) => {
        for (let i = 0; i < 20; i++) {
          const batch = makeTestEvents(1 + (i % 3));
          sent.push(...batch.map((e) => e.eventId));
          await ok(store.append(`progress-${name}-${i % 2}`, batch, ANY));
        }
      };
      await Promise.all([writer(a, 'a'), writer(b, 'b'), writer(a, 'shared'), writer(b, 'shared')]);
      const log = await ok(a.readAll({ raw: true }));
      expect(log.map((e) => e.position)).toEqual(oneTo(sent.length));
      expect(new Set(log.map((e) => e.eventId))).toEqual(new Set(sent));
      const verifier = chainVerifier();
      for await (const e of iterateAll(b, { raw: true, batchSize: 17 })) expect(verifier.check(e)).toEqual({ _tag: 'ChainOk' });
      for (const stream of ['progress-shared-0', 'progress-shared-1', 'progress-a-0']) {
        const events = await ok(b.readStream(stream));
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        expect(events.map((e) => e.eventId)).toEqual(log.filter((e) => e.stream === stream).map((e) => e.eventId));
      }
      await Promise.all([a.close(), b.close()]);
      await other.dispose();
    });

    it('completes the links of an append whose writer stopped after writing the log', async () => {
      const ledger = freshLedger('dead_writer');
      const store = open(ledger);
      await ok(store.append('progress-x', makeTestEvents(2), NO_STREAM));
      const [last] = await ok(store.readAll({ fromPosition: 1, raw: true }));
      // What a writer leaves when it dies between its log write and its links.
      const lost = makeTestEvent();
      const row = chainRow(last!.hash, 3, 'progress-x', 2, encodeEvent(lost), new Date().toISOString());
      await client.appendToStream(ledgerStreams(ledger).log, [toLogEvent(row)], { expectedRevision: 1n });
      expect(await ok(store.readAll())).toHaveLength(3);
      expect(await ok(store.streamRevision('progress-x'))).toBe(1);

      const retry = await ok(store.append('progress-x', [lost], 1));
      expect(retry).toEqual({ stream: 'progress-x', nextRevision: 2, positions: [3], alreadyStored: true });
      expect(await ok(store.streamRevision('progress-x'))).toBe(2);
      expect(await ok(store.readEvent(lost.eventId))).toMatchObject({ position: 3, revision: 2 });
      await store.close();
    });

    it('a log truncated at its start fails verification at the first event left', async () => {
      const ledger = freshLedger('truncated');
      const store = open(ledger);
      await ok(store.append('progress-x', makeTestEvents(5), NO_STREAM));
      await client.setStreamMetadata(ledgerStreams(ledger).log, { truncateBefore: 2 });
      const verifier = chainVerifier();
      const [first] = await ok(store.readAll({ raw: true }));
      expect(verifier.check(first!)).toMatchObject({ _tag: 'ChainBroken', position: 3 });
      // The index still points at the truncated events, and says so.
      await expect(store.readStream('progress-x')()).resolves.toMatchObject({ _tag: 'Left', left: { _tag: 'CorruptEvent', position: 1 } });
      await store.close();
    });

    it('close leaves a client passed in open, and disposes of one it made from a connection string', async () => {
      const ledger = freshLedger('close');
      const passed = open(ledger);
      await ok(passed.append('progress-x', makeTestEvents(1), NO_STREAM));
      await passed.close();
      expect(await ok(open(ledger).headPosition())).toBe(1);

      const owned = createEventStoreDbStore({ connectionString: url, ledger, registry: ledgerRegistry });
      expect(await ok(owned.readStream('progress-x'))).toHaveLength(1);
      await owned.close();
    });
  });
}
