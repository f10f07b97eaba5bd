import { ledgerRegistry } from '@minsheng/core';
import { ANY, createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import { isLeft, isRight, left, right } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProjection, ProjectionDefinitionError, type ProjectionDefinition } from '../definition';
import { ReadModelMismatch } from '../read-model-check';
import { catchUpReadModel, runCatchUp } from '../runner';
import { runWorker } from '../worker';
import { stopAfter } from '../testing/stop-after';
import { sampleReport } from '../testing/sample-report';
import { createSqliteProjection } from './custom-sqlite';
import { ReadModelError, ReadModelVersionError } from './sqlite';

const report = sampleReport;
const storeWith = async (n: number): Promise<EventStore> => {
  const store = createInMemoryEventStore({ registry: ledgerRegistry });
  for (let i = 0; i < n; i++) await store.append(`progress-p-m-x${i % 2}`, [report(`x${i % 2}`, i)], ANY)();
  return store;
};

/** Figures per place; fails on the report whose figure is `failOn`. */
const places = (version = 1, failOn?: string) =>
  defineProjection({
    name: 'places',
    version,
    eventTypes: ['ProgressReported'],
    sqlite: {
      schema: (t) => `CREATE TABLE IF NOT EXISTS ${t('places')} (place TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
      handle: (events, { db, table }) => {
        for (const e of events) {
          if (e.data.figure.kind === 'quantity' && e.data.figure.value === failOn) throw new Error(`refused figure ${failOn}`);
          db.prepare(`INSERT INTO ${table('places')} (place, n) VALUES (?, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1`).run(e.data.place);
        }
      },
    },
  });

describe('createSqliteProjection', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-custom-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a bad definition with the reason, before any event is read', () => {
    const base: ProjectionDefinition<'ProgressReported'> = places();
    expect(() => defineProjection({ ...base, name: 'Unit Months' })).toThrow(
      new ProjectionDefinitionError('projection name "Unit Months" must be lower-case letters, digits and dashes, starting with a letter'),
    );
    expect(() => defineProjection({ ...base, version: 0 })).toThrow('projection places: version must be a positive integer, not 0');
    expect(() => defineProjection({ ...base, eventTypes: [] })).toThrow('projection places: eventTypes names no event type');
    const { sqlite: _, ...neither } = base;
    expect(() => defineProjection(neither)).toThrow('projection places: gives neither a sqlite nor a postgres handler');
    const postgresOnly = { ...neither, postgres: { schema: () => '', handle: async () => undefined } };
    expect(() => createSqliteProjection(defineProjection(postgresOnly))).toThrow(
      new ProjectionDefinitionError('projection places gives no sqlite handler: it cannot run on SQLite'),
    );
  });

  it('commits nothing of a batch whose handler throws, and names its positions', async () => {
    const store = await storeWith(6);
    const model = createSqliteProjection(places(1, '4'), { file: join(dir, 'p.db') });
    // A failure is a Left, not a throw.
    expect(await catchUpReadModel(store, model, { batchSize: 3 })()).toEqual(
      left({ _tag: 'ProjectionFailed', message: 'places: applying positions 4..6 failed: refused figure 4' }),
    );
    await expect(runCatchUp(store, model, { batchSize: 3 })).rejects.toThrow(ReadModelError);
    expect(await model.reader.checkpoint()).toBe(3);
    expect(model.db.prepare(`SELECT place, n FROM ${model.table('places')} ORDER BY place`).all()).toEqual([
      { place: 'x0', n: 2 },
      { place: 'x1', n: 1 },
    ]);
    model.close();
  });

  it('drops the tables of an older version and rebuilds from 0; refuses a newer one', async () => {
    const file = join(dir, 'p.db');
    const store = await storeWith(4);
    const v1 = createSqliteProjection(places(1), { file });
    await catchUpReadModel(store, v1)();
    v1.close();
    const v2 = createSqliteProjection(places(2), { file });
    expect(await v2.reader.checkpoint()).toBe(0);
    expect(await catchUpReadModel(store, v2)()).toMatchObject(right({ applied: 4, checkpoint: 4 }));
    v2.close();
    expect(() => createSqliteProjection(places(1), { file })).toThrow(
      new ReadModelVersionError("projection places (places_) was built by its version 2, newer than this definition's 1; upgrade the code that defines it"),
    );
  });

  it('refuses to go on from a checkpoint whose event the log no longer holds there', async () => {
    const file = join(dir, 'p.db');
    const model = createSqliteProjection(places(), { file });
    expect(isRight(await catchUpReadModel(await storeWith(4), model)())).toBe(true);
    // Another log of the same length: the event at the checkpoint is not the one applied.
    const r = await catchUpReadModel(await storeWith(4), model)();
    expect(r).toEqual(left(expect.objectContaining({ _tag: 'ReadModelMismatch', checkpoint: 4, head: 4 })));
    await expect(runCatchUp(await storeWith(4), model)).rejects.toThrow(ReadModelMismatch);
    model.close();
  });

  it('signals each time a worker reaches the head of the log', async () => {
    const store = await storeWith(5);
    const model = createSqliteProjection(places(), { file: join(dir, 'p.db') });
    const stop = stopAfter(10_000);
    const heads: number[] = [];
    await runWorker({
      store,
      model,
      owner: 'w',
      pollMs: 20,
      batchSize: 2,
      signal: stop.signal,
      onReachedHead: (checkpoint) => {
        heads.push(checkpoint);
        if (checkpoint === 5) void store.append('progress-p-m-x9', [report('x9', 9)], ANY)();
        else stop.abort();
      },
    });
    expect(heads).toEqual([5, 6]);
    const r = await store.headPosition()();
    if (isLeft(r)) throw new Error(r.left.message);
    expect(r.right).toBe(6);
    model.close();
  });
});

// Compile-time: a handler's events are narrowed by their type; data of another type is an error.
defineProjection({
  name: 'narrowed',
  version: 1,
  eventTypes: ['ProgressReported', 'ProgressRetracted'],
  sqlite: {
    schema: () => '',
    handle: (events) => {
      for (const e of events) {
        if (e.type === 'ProgressRetracted') void e.data.retracts;
        // @ts-expect-error a ProgressReported has no `retracts`
        else void e.data.retracts;
      }
    },
  },
});
