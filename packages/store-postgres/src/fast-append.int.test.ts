import { chainVerifier, ledgerRegistry } from '@minsheng/core';
import { ANY, NO_STREAM, storedTreeView, treeOfEvents, type EventStore } from '@minsheng/event-store';
import { fails, makeTestEvents, ok } from '@minsheng/event-store/testing';
import { Client } from 'pg';
import { ledgerNames } from './names';
import { openPostgresEventStore, type StoreHooks } from './store';
import { usePostgres } from './testing';

/*
 * The fast append (fast-append.ts): one statement chained from what the process last saw,
 * which inserts nothing unless that still holds. Two stores on one schema, each with its own
 * pool, are two processes' worth of writers. A store with the beforeCommit seam always takes
 * the slow path: it gives today's answers to compare with.
 */

const pg = usePostgres();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let schemas = 0;
const freshSchema = () => `fast_${++schemas}`;

describe('fast appends', () => {
  let stores: EventStore[] = [];
  let admin: Client;
  beforeAll(async () => {
    admin = new Client({ connectionString: pg.databaseUrl() });
    await admin.connect();
  });
  afterAll(() => admin.end());
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });

  /** A store whose fast attempts are recorded in `outcomes`. */
  const open = async (schema: string, hooks: StoreHooks = {}) => {
    const outcomes: string[] = [];
    const store = await openPostgresEventStore(
      { connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema, poolSize: 2 },
      { fastAppend: (o) => void outcomes.push(o), ...hooks },
    );
    stores.push(store);
    return { store, outcomes };
  };
  /** Today's path only: the beforeCommit seam keeps every append in a transaction. */
  const slowOnly = (schema: string) => open(schema, { beforeCommit: async () => undefined });

  const checkLog = async (store: EventStore, count: number) => {
    const log = await ok(store.readAll({ raw: true }));
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const verifier = chainVerifier();
    for (const e of log) expect(verifier.check(e)).toEqual({ _tag: 'ChainOk' });
    // The Merkle tree the appends kept, fast and slow, whoever wrote: the one computed from the log.
    const computed = treeOfEvents(log);
    const kept = storedTreeView(store.tree!, await store.tree!.leafCount());
    expect(kept.size).toBe(count);
    // Every size's root reads the nodes of its own decomposition: together, nodes of every level.
    for (let n = 1; n <= count; n += Math.max(1, Math.floor(count / 300)))
      expect((await kept.root(n)).toString('hex')).toBe(computed.root(n).toString('hex'));
    expect((await kept.root()).toString('hex')).toBe(computed.root().toString('hex'));
    const leaves = await store.tree!.nodes(log.map((_, i) => ({ level: 0, index: i })));
    expect(leaves.map((l) => l?.toString('hex'))).toEqual(log.map((_, i) => computed.node(0, i).toString('hex')));
    return log;
  };

  it('after the first append, one store writes each append in one statement, chained as the slow path chains', async () => {
    const { store, outcomes } = await open(freshSchema());
    await ok(store.append('progress-a', makeTestEvents(2), NO_STREAM));
    expect(outcomes).toEqual([]);
    expect(await ok(store.append('progress-a', makeTestEvents(1), 1))).toMatchObject({ positions: [3], nextRevision: 2 });
    expect(await ok(store.append('progress-b', makeTestEvents(3), NO_STREAM))).toMatchObject({ positions: [4, 5, 6], nextRevision: 2 });
    expect(await ok(store.append('progress-a', makeTestEvents(1), ANY))).toMatchObject({ positions: [7], nextRevision: 3 });
    expect(
      await ok(
        store.appendBatches([
          { stream: 'progress-b', events: makeTestEvents(1), expected: 2 },
          { stream: 'progress-c', events: makeTestEvents(1), expected: NO_STREAM },
        ]),
      ),
    ).toMatchObject([{ positions: [8] }, { positions: [9] }]);
    expect(outcomes).toEqual(['hit', 'hit', 'hit', 'hit']);
    await checkLog(store, 9);
    expect(await ok(store.streamRevision('progress-b'))).toBe(3);
    expect((await ok(store.readStream('progress-a'))).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('takes the append lock before it inserts: it waits while a slow append holds it', async () => {
    const schema = freshSchema();
    const { store, outcomes } = await open(schema);
    await ok(store.append('progress-a', makeTestEvents(1), NO_STREAM));
    const holder = new Client({ connectionString: pg.databaseUrl() });
    await holder.connect();
    try {
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${ledgerNames(schema).appendLock})`);
      let settled = false;
      const second = store.append('progress-a', makeTestEvents(1), 0)().finally(() => (settled = true));
      // Polled, not timed: the append's backend shows up waiting for the advisory lock, or never.
      let waiting = 0;
      for (let i = 0; i < 500 && waiting === 0; i++) {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
        waiting = rows[0]!.n;
        if (waiting === 0) await sleep(10);
      }
      expect(waiting).toBe(1);
      expect(settled).toBe(false);
      await holder.query('COMMIT');
      expect(await ok(() => second)).toMatchObject({ positions: [2] });
      expect(outcomes).toEqual(['hit']);
    } finally {
      await holder.end();
    }
  });

  it('a fast append behind a locked one that has not committed waits for it, and readers see neither before it commits', async () => {
    const schema = freshSchema();
    let held: (() => void) | undefined;
    let reached!: () => void;
    const reachedCommit = new Promise<void>((r) => (reached = r));
    const locked = await open(schema, {
      beforeCommit: () => {
        reached();
        return new Promise<void>((r) => (held = r));
      },
    });
    const { store: fast, outcomes } = await open(schema);
    const { store: reader } = await open(schema);
    await ok(fast.append('progress-b', makeTestEvents(1), NO_STREAM));

    const first = locked.store.append('progress-a', makeTestEvents(2), NO_STREAM)();
    await reachedCommit;
    let settled = false;
    const second = fast.append('progress-b', makeTestEvents(1), 0)().finally(() => (settled = true));
    await sleep(100);
    expect(settled).toBe(false);
    expect(await ok(reader.headPosition())).toBe(1);

    held!();
    expect(await ok(() => first)).toMatchObject({ positions: [2, 3] });
    // Its guess (head at 1) was wrong by then: it missed and took the locked path, after the first.
    expect(await ok(() => second)).toMatchObject({ positions: [4] });
    expect(outcomes).toEqual(['miss']);
    await checkLog(reader, 4);
  });

  it('two processes appending in turn to one log: every append lands, each miss falls back, the chain holds', async () => {
    const schema = freshSchema();
    // No slow appends after a miss: every turn makes the other store's next attempt miss.
    const a = await open(schema, { slowAfterMiss: 0 });
    const b = await open(schema, { slowAfterMiss: 0 });
    const revisions = new Map<string, number>();
    for (let i = 0; i < 24; i++) {
      const { store } = i % 2 === 0 ? a : b;
      // Every third append to a stream both write, the rest to a stream of each store's own.
      const stream = i % 3 === 0 ? 'progress-shared' : `progress-${i % 2}`;
      const r = await ok(store.append(stream, makeTestEvents(2), revisions.get(stream) ?? NO_STREAM));
      expect(r.positions).toEqual([2 * i + 1, 2 * i + 2]);
      revisions.set(stream, r.nextRevision);
    }
    // Each store saw the other's append before each of its own after the first: its fast attempts missed.
    for (const { outcomes } of [a, b]) expect(outcomes.filter((o) => o === 'miss').length).toBeGreaterThanOrEqual(5);
    // Two appends in a row by one store: the second is fast again.
    await ok(a.store.append('progress-0', makeTestEvents(1), revisions.get('progress-0')!));
    a.outcomes.length = 0;
    await ok(a.store.append('progress-0', makeTestEvents(1), revisions.get('progress-0')! + 1));
    expect(a.outcomes).toEqual(['hit']);
    await checkLog(a.store, 50);
    for (const [stream, revision] of revisions) expect(await ok(b.store.streamRevision(stream))).toBe(stream === 'progress-0' ? revision + 2 : revision);
  });

  it('after a miss, stays on the locked path while another process keeps writing, then tries the fast path again', async () => {
    const schema = freshSchema();
    const a = await open(schema, { slowAfterMiss: 2 });
    const b = await open(schema);
    let revision = -1;
    const byA = async () => (revision = (await ok(a.store.append('progress-a', makeTestEvents(1), revision === -1 ? NO_STREAM : revision))).nextRevision);
    const byB = () => ok(b.store.append('progress-b', makeTestEvents(1), ANY));
    await byA();
    await byB();
    await byA();
    expect(a.outcomes).toEqual(['miss']);
    // Two locked appends: B writing before the first starts the count again.
    await byB();
    await byA();
    await byA();
    expect(a.outcomes).toEqual(['miss']);
    await byA();
    expect(a.outcomes).toEqual(['miss']);
    await byA();
    expect(a.outcomes).toEqual(['miss', 'hit']);
    await checkLog(a.store, 8);
  });

  it('two processes appending at once, 16 writers each: every append lands once, in one chain', async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    await Promise.all(
      [a, b].flatMap(({ store }, s) =>
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; i < 5; i++) await ok(store.append(`progress-${s}-${w}`, makeTestEvents(1), i === 0 ? NO_STREAM : i - 1));
        }),
      ),
    );
    await checkLog(a.store, 160);
    expect(a.outcomes.length + b.outcomes.length).toBeGreaterThan(0);
  });

  it('one process, many batch appends at once: a miss while another is in flight loses nothing', async () => {
    // Calls to appendBatches from several writers at once: before they were put in line, they
    // all chained from one known head, nearly every attempt missed, and a miss that forgot what
    // the process knew while another's statement ran made that one throw once it had written.
    const { store, outcomes } = await open(freshSchema(), { slowAfterMiss: 0 });
    const writers = 6;
    const calls = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < calls; i++)
          await ok(
            store.appendBatches(
              Array.from({ length: 3 }, (_, s) => ({ stream: `progress-${w}-${i}-${s}`, events: makeTestEvents(1), expected: NO_STREAM })),
            ),
          );
      }),
    );
    await checkLog(store, writers * calls * 3);
    // The first append of a store takes the locked path; every later one chains onto the last.
    expect(outcomes).toEqual(new Array(writers * calls - 1).fill('hit'));
  });

  it('refuses a wrong expected revision as the slow path does, warm or stale, and writes nothing', async () => {
    const [fastSchema, slowSchema] = [freshSchema(), freshSchema()];
    const { store, outcomes } = await open(fastSchema);
    const other = await open(fastSchema);
    const { store: today } = await slowOnly(slowSchema);
    for (const s of [store, today]) await ok(s.append('progress-a', makeTestEvents(3), NO_STREAM));

    // Warm: what the store knows refuses it, so it asks the database (the slow path).
    const warm = await fails(store.append('progress-a', makeTestEvents(1), 1), 'ConcurrencyError');
    expect(warm).toEqual(await fails(today.append('progress-a', makeTestEvents(1), 1), 'ConcurrencyError'));
    expect(outcomes).toEqual([]);

    // Stale: another process moved the stream on; the fast statement writes nothing and the slow path refuses.
    await ok(other.store.append('progress-a', makeTestEvents(1), 2));
    await ok(today.append('progress-a', makeTestEvents(1), 2));
    const before = await ok(store.readAll({ raw: true }));
    const stale = await fails(store.append('progress-a', makeTestEvents(1), 2), 'ConcurrencyError');
    expect(stale).toEqual(await fails(today.append('progress-a', makeTestEvents(1), 2), 'ConcurrencyError'));
    expect(outcomes).toEqual(['miss']);
    expect(await ok(store.readAll({ raw: true }))).toEqual(before);
  });

  it('answers the same event ids appended again as the slow path does: stored once, the first positions', async () => {
    const [fastSchema, slowSchema] = [freshSchema(), freshSchema()];
    const { store, outcomes } = await open(fastSchema);
    const { store: today } = await slowOnly(slowSchema);
    const first = makeTestEvents(2);
    const second = makeTestEvents(1);
    for (const s of [store, today]) {
      await ok(s.append('progress-a', first, NO_STREAM));
      await ok(s.append('progress-a', second, 1));
    }
    expect(outcomes).toEqual(['hit']);
    // Again with the revision the first write expected, and with the one the store knows now (the fast guess).
    for (const [events, expected] of [[first, NO_STREAM], [second, 1], [second, 2], [first, 2]] as const) {
      const answer = await store.append('progress-a', events, expected)();
      expect(answer).toEqual(await today.append('progress-a', events, expected)());
    }
    expect(await ok(store.append('progress-a', second, 1))).toMatchObject({ alreadyStored: true, positions: [3] });
    expect(outcomes.filter((o) => o === 'hit')).toEqual(['hit']);
    await checkLog(store, 3);
  });
});
