import { ledgerRegistry } from '@minsheng/core';
import { ANY, createInMemoryEventStore, type EventStore, type ReadAllOptions } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProjection } from './definition';
import { createSqliteProjection } from './read-model/custom-sqlite';
import type { ProjectionModel } from './read-model/projection';
import { createSqliteReadModel } from './read-model/sqlite';
import { catchUpReadModel, rebuildReadModel } from './runner';
import { runWorker } from './worker';
import { sampleReport } from './testing/sample-report';
import { stopAfter } from './testing/stop-after';

/*
 * The ledger index and a user's projection are both a ProjectionModel, and the same functions run
 * them: catchUpReadModel, rebuildReadModel and runWorker, with the same lease, the same
 * compare-and-set checkpoint and the same reads (readBatch). What differs is only what the model
 * offers: the index's filter is none (it reads every event), the projection's its types and prefix.
 */

const counts = defineProjection({
  name: 'counts',
  version: 1,
  eventTypes: ['ProgressReported'],
  streamPrefix: 'progress-',
  sqlite: {
    schema: (t) => `CREATE TABLE IF NOT EXISTS ${t('counts')} (place TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
    handle: (events, { db, table }) => {
      for (const e of events)
        db.prepare(`INSERT INTO ${table('counts')} (place, n) VALUES (?, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1`).run(e.data.place);
    },
  },
});

const noting = (store: EventStore, reads: ReadAllOptions[]): EventStore => ({
  ...store,
  readAll: (options) => {
    reads.push(options ?? {});
    return store.readAll(options);
  },
});

describe('the ledger index and a custom projection on one runner', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-same-runner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('catch up, rebuild in place and run in competing workers through the same calls, each to the head', async () => {
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    for (let i = 0; i < 12; i++) {
      const r = await store.append(`progress-p-m-x${i % 3}`, [sampleReport(`x${i % 3}`, i)], ANY)();
      if (isLeft(r)) throw new Error(r.left.message);
    }
    const file = join(dir, 'ledger.db');
    const index = createSqliteReadModel({ file });
    const custom = createSqliteProjection(counts, { file });
    const models: Array<[string, ProjectionModel]> = [
      ['ledger-index', index],
      ['counts', custom],
    ];
    const head = async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      return h.right;
    };
    for (const [name, model] of models) {
      // The index runs first and appends one report; the projection starts one event further.
      const at = await head();
      const reads: ReadAllOptions[] = [];
      const caughtUp = await catchUpReadModel(noting(store, reads), model, { batchSize: 5 })();
      expect(caughtUp).toMatchObject({ _tag: 'Right', right: { checkpoint: at, head: at, applied: at } });
      // The same batch reader: every event for the index, the projection's filter for it.
      const filtered = reads.filter((o) => o.streamPrefix !== undefined);
      expect(filtered.length > 0).toBe(name === 'counts');
      expect(await model.reader.checkpoint(name)).toBe(at);

      expect(await rebuildReadModel(store, model, { batchSize: 5 })()).toMatchObject({ _tag: 'Right', right: { checkpoint: at } });

      // Two workers compete for the lease: the one that holds it applies what follows, the other commits nothing.
      const r = await store.append('progress-p-m-x0', [sampleReport('x0', 99)], ANY)();
      if (isLeft(r)) throw new Error(r.left.message);
      const stop = stopAfter(10_000);
      const committedBy: string[] = [];
      const worker = (owner: string) =>
        runWorker({
          store,
          model,
          owner,
          leaseMs: 2000,
          pollMs: 20,
          signal: stop.signal,
          onBatch: () => committedBy.push(owner),
          onReachedHead: () => stop.abort(),
        });
      await Promise.all([worker('a'), worker('b')]);
      expect(new Set(committedBy).size).toBe(1);
      expect(await model.reader.checkpoint(name)).toBe(at + 1);
    }
    expect(custom.db.prepare(`SELECT sum(n) FROM ${custom.table('counts')}`).pluck().get()).toBe(14);
    custom.close();
    index.close();
  });
});
