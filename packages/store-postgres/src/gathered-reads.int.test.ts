import { ledgerRegistry } from '@minsheng/core';
import { NO_STREAM, type EventStore } from '@minsheng/event-store';
import { makeTestEvent, ok } from '@minsheng/event-store/testing';
import type { Either } from 'fp-ts/Either';
import { Pool } from 'pg';
import { createPostgresEventStore } from './store';
import { corruptStoredEvent, usePostgres } from './testing';

const pg = usePostgres();
let pool: Pool;
let count = 0;

/** Three streams written in turn (a, b, c, a, b, c), two events each: positions 1–6, values 10, 20, 30, 11, 21, 31. */
const interleaved = async (): Promise<{ store: EventStore; schema: string }> => {
  const schema = `gathered_${++count}`;
  const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, schema });
  for (let revision = 0; revision < 2; revision++)
    for (const [i, s] of ['a', 'b', 'c'].entries()) await ok(store.append(`progress-${s}`, [makeTestEvent({ value: `${i + 1}${revision}` })], revision === 0 ? NO_STREAM : revision - 1));
  return { store, schema };
};

const events = <E, A>(r: Either<E, readonly A[]> | undefined): readonly A[] => {
  if (r?._tag !== 'Right') throw new Error(`expected events, got ${JSON.stringify(r)}`);
  return r.right;
};

/** Counts the queries sent through `pool` while `f` runs. */
const queriesDuring = async <T>(f: () => Promise<T>): Promise<{ result: T; queries: number }> => {
  const query = pool.query.bind(pool);
  let queries = 0;
  pool.query = ((...args: Parameters<typeof query>) => {
    queries++;
    return query(...args);
  }) as typeof pool.query;
  try {
    return { result: await f(), queries };
  } finally {
    pool.query = query;
  }
};

describe('whole streams and events by id read in one tick (PostgreSQL)', () => {
  beforeAll(() => {
    pool = new Pool({ connectionString: pg.databaseUrl(), max: 4 });
  });
  afterAll(() => pool.end());

  it('answers each read with its own stream, in order, and an unknown stream with nothing', async () => {
    const { store } = await interleaved();
    const { result, queries } = await queriesDuring(() =>
      Promise.all(['progress-a', 'progress-b', 'progress-none', 'progress-c', 'progress-a'].map((s) => store.readStream(s)())),
    );
    expect(queries).toBe(1);
    const [a, b, none, c, again] = result;
    const values = (r: typeof a) => events(r).map((e) => [e.position, (e.data as { figure: { value: string } }).figure.value]);
    expect(values(a)).toEqual([[1, '10'], [4, '11']]);
    expect(values(b)).toEqual([[2, '20'], [5, '21']]);
    expect(values(c)).toEqual([[3, '30'], [6, '31']]);
    expect(events(none)).toEqual([]);
    expect(values(again)).toEqual(values(a));
    await store.close();
  });

  it('answers each read by id with its own event, checked, in one query; an unknown id with null, a damaged event with its own BrokenChain', async () => {
    const { store, schema } = await interleaved();
    const ids = events(await store.readAll()()).map((e) => e.eventId);
    // Position 5 damaged: its own read fails, and so does 6's, whose link is 5's hash.
    await corruptStoredEvent(pg.databaseUrl(), schema, 5, { kind: 'field', field: 'hash', value: 'f'.repeat(64) });
    const { result, queries } = await queriesDuring(() => Promise.all([ids[0]!, ids[3]!, 'no-such-event', ids[4]!, ids[5]!, ids[0]!].map((id) => store.readEvent(id)())));
    expect(queries).toBe(1);
    const [first, fourth, none, fifth, sixth, again] = result;
    expect(first).toMatchObject({ _tag: 'Right', right: { position: 1, eventId: ids[0] } });
    expect(again).toEqual(first);
    expect(fourth).toMatchObject({ _tag: 'Right', right: { position: 4, eventId: ids[3] } });
    expect(none).toEqual({ _tag: 'Right', right: null });
    expect(fifth).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 5 } });
    expect(sixth).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 6 } });
    await store.close();
  });

  it("fails only the read whose stream's chain breaks, also at the event before one of its own", async () => {
    const { store, schema } = await interleaved();
    // Position 4 is a's; b's event at 5 links to it, so b fails as well, c holds.
    await corruptStoredEvent(pg.databaseUrl(), schema, 4, { kind: 'field', field: 'hash', value: 'f'.repeat(64) });
    const [a, b, c] = await Promise.all(['progress-a', 'progress-b', 'progress-c'].map((s) => store.readStream(s)()));
    expect(a).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 4 } });
    expect(b).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 5 } });
    expect(events(c).map((e) => e.position)).toEqual([3, 6]);
    await store.close();
  });
});
