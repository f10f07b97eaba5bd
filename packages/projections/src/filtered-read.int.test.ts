import { ledgerRegistry } from '@minsheng/core';
import { ANY, createInMemoryEventStore, type EventStore, type ReadAllOptions } from '@minsheng/event-store';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProjection } from './definition';
import { createSqliteProjection } from './read-model/custom-sqlite';
import { runCatchUp } from './runner';
import { runWorker } from './worker';
import { sampleReport } from './testing/sample-report';
import { stopAfter } from './testing/stop-after';

/*
 * A custom projection's events are filtered in the store's query (eventTypes, streamPrefix), and
 * its checkpoint still moves to the end of each window read, matching or not. The log below mixes
 * matching and other events so that windows of 3 positions hold one, several or none of them.
 */

/** Positions 1..11; `progress-` streams at 1, 4, 5, 9, 10, so that the window 6..8 and the last, 11, hold none. */
const LAYOUT = ['progress-a', 'task-b', 'task-b', 'progress-a', 'progress-c', 'task-b', 'task-b', 'task-b', 'progress-c', 'progress-a', 'task-b'];
const MATCHING = LAYOUT.flatMap((s, i) => (s.startsWith('progress-') ? [i + 1] : []));

const seed = async (store: EventStore) => {
  for (const [i, stream] of LAYOUT.entries()) {
    const r = await store.append(stream, [sampleReport(`p${i}`, i)], ANY)();
    if (isLeft(r)) throw new Error(r.left.message);
  }
};

/** Records the position of each event it is handed. */
const seen = defineProjection({
  name: 'seen',
  version: 1,
  eventTypes: ['ProgressReported'],
  streamPrefix: 'progress-',
  sqlite: {
    schema: (t) => `CREATE TABLE IF NOT EXISTS ${t('seen')} (position INTEGER PRIMARY KEY, stream TEXT NOT NULL)`,
    handle: (events, { db, table }) => {
      for (const e of events) db.prepare(`INSERT INTO ${table('seen')} (position, stream) VALUES (?, ?)`).run(e.position, e.stream);
    },
  },
});

/** The store, with every readAll's options noted: the runner must ask the store to filter, not filter what it got. */
const noting = (store: EventStore, reads: ReadAllOptions[]): EventStore => ({
  ...store,
  readAll: (options) => {
    reads.push(options ?? {});
    return store.readAll(options);
  },
});

describe('a custom projection read through the store filter', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-filtered-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const positions = (model: ReturnType<typeof createSqliteProjection>) =>
    (model.db.prepare(`SELECT position FROM ${model.table('seen')} ORDER BY position`).pluck().all() as number[]);

  it.each([
    ['in memory', () => createInMemoryEventStore({ registry: ledgerRegistry })],
    ['in SQLite', () => createSqliteEventStore({ file: join(dir, 'log.db'), registry: ledgerRegistry })],
  ])('%s: handles every matching event across window boundaries, and moves the checkpoint to the head past events that do not match', async (_, open) => {
    const store = open();
    await seed(store);
    const reads: ReadAllOptions[] = [];
    const model = createSqliteProjection(seen, { file: join(dir, 'p.db') });
    const r = await runCatchUp(noting(store, reads), model, { batchSize: 3 });
    expect(positions(model)).toEqual(MATCHING);
    expect(r).toMatchObject({ checkpoint: 11, head: 11, applied: 11, stopped: null });
    expect(await model.reader.checkpoint()).toBe(11);
    // Each window is a position range with the projection's filter: 0..3, 3..6, 6..9, 9..11.
    const windows = reads.filter((o) => o.streamPrefix !== undefined).map((o) => [o.fromPosition, o.toPosition]);
    expect(windows).toEqual([[0, 3], [3, 6], [6, 9], [9, 11]]);
    expect(reads.filter((o) => o.streamPrefix !== undefined).every((o) => o.eventTypes?.join() === 'ProgressReported' && o.streamPrefix === 'progress-')).toBe(true);
    // The checkpoint sits on an event the projection did not handle (11): its hash was kept, so the next catch-up checks and goes on.
    await seed(store);
    const again = await runCatchUp(store, model, { batchSize: 4 });
    expect(again).toMatchObject({ checkpoint: 22, applied: 11 });
    expect(positions(model)).toEqual([...MATCHING, ...MATCHING.map((p) => p + 11)]);
    model.close();
    await store.close();
  });

  it('a catch-up reads the head once at its start and once more at the end, not once per window', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    await seed(store);
    let heads = 0;
    // The head is read by headPosition, or with the event there (lastEvent, the check at the start).
    const counting: EventStore = { ...store, headPosition: () => (heads++, store.headPosition()), lastEvent: () => (heads++, store.lastEvent!()) };
    const model = createSqliteProjection(seen, { file: join(dir, 'p.db') });
    const r = await runCatchUp(counting, model, { batchSize: 3 });
    expect(r).toMatchObject({ checkpoint: 11, applied: 11 });
    expect(positions(model)).toEqual(MATCHING);
    // Four windows (0..3, 3..6, 6..9, 9..11) within the head read at the start; then the head again, to find nothing after 11.
    expect(heads).toBe(2);
    model.close();
  });

  it('a worker applies the same windows, and reaches the head with a last window that matched nothing', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    await seed(store);
    const model = createSqliteProjection(seen, { file: join(dir, 'p.db') });
    const stop = stopAfter(10_000);
    const batches: Array<[number, number]> = [];
    await runWorker({
      store,
      model,
      owner: 'w',
      pollMs: 20,
      batchSize: 3,
      signal: stop.signal,
      onBatch: (checkpoint, count) => batches.push([checkpoint, count]),
      onReachedHead: () => stop.abort(),
    });
    expect(batches).toEqual([[3, 3], [6, 3], [9, 3], [11, 2]]);
    expect(positions(model)).toEqual(MATCHING);
    model.close();
  });
});
