import { createServer } from 'node:net';
import { ledgerRegistry } from '@minsheng/core';
import { ANY, StoreFailure } from '@minsheng/event-store';
import { makeTestEvents } from '@minsheng/event-store/testing';
import { createEventStoreDbStore } from './store';

/** A local port nothing listens on: taken from the OS, then let go. */
const closedPort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

// Needs no server: the real client against a port where none listens.
describe('eventstoredb: no server at the address', () => {
  it('every call is StoreUnavailable with the client’s reason, and a subscription ends with it', async () => {
    const store = createEventStoreDbStore({ connectionString: `esdb://127.0.0.1:${await closedPort()}?tls=false`, registry: ledgerRegistry });
    const calls = [
      store.append('progress-7-daoli', makeTestEvents(1), ANY),
      store.readStream('progress-7-daoli'),
      store.readAll(),
      store.streamRevision('progress-7-daoli'),
      store.headPosition(),
      store.readEvent(makeTestEvents(1)[0]!.eventId),
    ];
    for (const call of calls) {
      const r = await call();
      expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreUnavailable', message: expect.stringContaining('UNAVAILABLE') } });
    }
    const sub = store.subscribe({ fromPosition: 0, onEvents: async () => undefined });
    await expect(sub.done).rejects.toBeInstanceOf(StoreFailure);
    await expect(sub.done).rejects.toMatchObject({ error: { _tag: 'StoreUnavailable' } });
    await store.close();
  });
});
