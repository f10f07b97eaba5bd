import { ledgerRegistry } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createPostgresReadModel, createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLedger, type Ledger } from './ledger';
import { loadHarbinPlan, manualClock, run } from './testing';

/*
 * Issue 13, item 17: 200 reports sent at once over 10 (metric, place) streams, by 4 writers
 * with their own connections, are each accepted, and stored exactly once; the chain verifies
 * and a rebuild of the read model equals the live one. Bounded: 200 reports, one run each.
 */

const plan = loadHarbinPlan();
const REPORTS = 200;
const WRITERS = 4;
const places = plan.places.filter((p) => p.kind !== 'city').slice(0, 10).map((p) => p.id);
const reportOf = (i: number) => ({
  task: 19,
  metric: 't19-rural-roads',
  place: places[i % places.length]!,
  asOf: '2024-09-30',
  value: String(i + 1),
  by: 'transport',
  source: { document: `load-${i}` },
});

interface Engine {
  /** The store every writer appends to (read back here), and WRITERS ledgers each on their own connections. */
  readonly store: EventStore;
  readonly writers: readonly Ledger[];
  /** A ledger that projects inline, on the store above. */
  readonly projecting: Ledger;
  close(): Promise<void>;
}

const loadTest = (name: string, open: () => Promise<Engine>) =>
  it(`${name}: ${REPORTS} reports at once over ${places.length} streams are each accepted and stored once`, async () => {
    const engine = await open();
    try {
      const { store, writers, projecting } = engine;
      // The writers share a clock fixed in 2024: a simulated ledger records by it (a production one by the system clock).
      await run(projecting.init('simulated'));
      await run(projecting.importPlan(plan));
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: REPORTS }, (_, i) => writers[i % WRITERS]!.report(reportOf(i))()));
      const seconds = (performance.now() - started) / 1000;
      const refused = results.flatMap((r) => (isLeft(r) ? [`${r.left._tag}: ${r.left.message}`] : []));
      expect(refused).toEqual([]);

      const events = await run(store.readAll());
      const reported = events.filter((e) => e.type === 'ProgressReported');
      expect(reported).toHaveLength(REPORTS);
      const documents = reported.map((e) => (e.metadata as { source?: { document?: string } }).source?.document);
      expect(new Set(documents).size).toBe(REPORTS);
      for (const place of places) {
        const revisions = (await run(store.readStream(`progress-harbin-2024-t19-rural-roads-${place}`))).map((e) => e.revision);
        expect(revisions).toEqual(Array.from({ length: REPORTS / places.length }, (_, k) => k));
      }

      expect(await run(projecting.verify())).toMatchObject({ ok: true, events: events.length });
      const live = await run(projecting.status({ by: 'district', asOf: '2024-09-30' }));
      await run(projecting.rebuild());
      expect(await run(projecting.status({ by: 'district', asOf: '2024-09-30' }))).toEqual(live);
      process.stdout.write(`load ${name}: ${REPORTS}/${REPORTS} reports accepted in ${seconds.toFixed(2)} s\n`);
    } finally {
      await engine.close();
    }
  });

const clock = () => manualClock('2024-10-01T02:00:00Z');

describe('concurrent reports through the library', () => {
  loadTest('SQLite, inline projection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-load-'));
    const file = join(dir, 'ledger.db');
    const c = clock();
    const opened = Array.from({ length: WRITERS + 1 }, () => {
      const store = createSqliteEventStore({ file, registry: ledgerRegistry, clock: c });
      const readModel = createSqliteReadModel({ file });
      return { store, readModel, ledger: createLedger({ store, readModel, clock: c }) };
    });
    return {
      store: opened[0]!.store,
      writers: opened.slice(1).map((o) => o.ledger),
      projecting: opened[0]!.ledger,
      close: async () => {
        for (const o of opened) {
          o.readModel.close();
          await o.store.close();
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  const pg = usePostgres();
  loadTest('PostgreSQL, writers leaving the read model to a projector', async () => {
    const url = pg.databaseUrl();
    const c = clock();
    const opened = await Promise.all(
      Array.from({ length: WRITERS + 1 }, async (_, i) => {
        const store = await createPostgresEventStore({ connectionString: url, registry: ledgerRegistry, clock: c, poolSize: 4 });
        const readModel = await createPostgresReadModel({ connectionString: url });
        return { store, readModel, ledger: createLedger({ store, readModel, clock: c, projectInline: i === 0 }) };
      }),
    );
    return {
      store: opened[0]!.store,
      writers: opened.slice(1).map((o) => o.ledger),
      projecting: opened[0]!.ledger,
      close: async () => {
        for (const o of opened) {
          await o.readModel.close();
          await o.store.close();
        }
      },
    };
  });
});
