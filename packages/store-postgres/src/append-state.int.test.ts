import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM } from '@minsheng/event-store';
import { fails, makeTestEvent, ok } from '@minsheng/event-store/testing';
import { createPostgresEventStore } from './store';
import { usePostgres } from './testing';

/*
 * An append reads the ledger's state in the round trip that begins its transaction, with the
 * streams and event ids written into the query as literals (statements.ts: textArrayLiteral).
 * Stream names with quotes, backslashes, commas and braces must be found as they are (event
 * ids are ULIDs: checked before any append).
 */

const pg = usePostgres();

describe('the append state read with BEGIN', () => {
  const awkward = [`进度 "引号" \\ 反斜杠, {括号} 'single' ''`, `a\\"b`, `{}`, `NULL`, `"`, `\\`];

  it('finds each stream’s revision and each stored event id, however its name is written', async () => {
    const store = await createPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema: 'literals' });
    try {
      for (const stream of awkward) {
        const events = [makeTestEvent(), makeTestEvent()];
        const first = await ok(store.append(stream, events, NO_STREAM));
        // A retry is answered from the stored ids; a stale revision is refused with the stream's own.
        expect(await ok(store.append(stream, events, NO_STREAM))).toEqual({ ...first, alreadyStored: true });
        expect(await fails(store.append(stream, [makeTestEvent()], NO_STREAM), 'ConcurrencyError')).toMatchObject({ stream, actual: 1 });
        expect(await ok(store.append(stream, [makeTestEvent()], 1))).toMatchObject({ nextRevision: 2 });
      }
      expect(await ok(store.headPosition())).toBe(awkward.length * 3);
    } finally {
      await store.close();
    }
  });
});
