import { ledgerRegistry } from '@minsheng/core';
import { createInMemoryEventStore, type EventStore } from '@minsheng/event-store';
import {
  createPostgresReadModel,
  createSqliteReadModel,
  postgresActiveVersion,
  rebuildBeside,
  sqliteActiveVersion,
  type ActiveVersion,
  type BesideOptions,
} from '@minsheng/projections';
import { usePostgres } from '@minsheng/store-postgres/testing';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createLedger } from './ledger';
import { fail, loadHarbinPlan, manualClock, run } from './testing';

const plan = loadHarbinPlan();
const pg = usePostgres();

type Open = BesideOptions['open'];

/** A ledger with a year of reports, its read model in version `first`. */
const populate = async (store: EventStore, open: Open, first: string) => {
  const clock = manualClock('2024-01-05T02:00:00Z');
  const model = await open(first);
  const ledger = createLedger({ store, readModel: model, clock });
  await run(ledger.init('simulated'));
  await run(ledger.importPlan(plan));
  for (let month = 1; month <= 9; month++) {
    clock.set(`2024-${String(month + 1).padStart(2, '0')}-02T02:00:00Z`);
    const asOf = `2024-${String(month).padStart(2, '0')}-28`;
    for (const place of ['daoli', 'nangang', 'bayan'])
      await run(ledger.report({ task: 19, metric: 't19-rural-roads', place, asOf, value: String(month * 3), by: 'transport' }));
    await run(ledger.report({ task: 2, metric: 't02-wage-platform-coverage', place: 'daoli', asOf, numerator: String(month), denominator: '20', by: 'hrss' }));
  }
  return { clock, ledger, model };
};

const scenario = (name: string, setup: () => Promise<{ open: Open; versions: ActiveVersion; first: string; cleanup: () => Promise<void> }>) =>
  it(`${name}: builds a new version beside the serving one and switches once it has caught up`, async () => {
    const { open, versions, first, cleanup } = await setup();
    const store = createInMemoryEventStore({ registry: ledgerRegistry });
    const { clock, ledger, model } = await populate(store, open, first);
    const before = await run(ledger.status({ by: 'district', asOf: '2024-09-30' }));
    let servedDuring: unknown;
    const result = await run(
      rebuildBeside({
        store,
        versions,
        open,
        beforeSwitch: async () => {
          // The old version still serves while the new one is built, and the log keeps growing.
          servedDuring = await run(ledger.status({ by: 'district', asOf: '2024-09-30' }));
          clock.set('2024-10-03T02:00:00Z');
          await run(ledger.report({ task: 19, metric: 't19-rural-roads', place: 'daoli', asOf: '2024-10-01', value: '40', by: 'transport' }));
        },
      }),
    );
    expect(servedDuring).toEqual(before);
    expect(result.from).toBe(first);
    expect(await versions.active('ledger-index')).toBe(result.to);
    expect(result.checkpoint).toBe(await run(store.headPosition()));
    const next = await open(result.to);
    const rebuilt = createLedger({ store, readModel: next, clock });
    for (const q of [{ by: 'task' as const }, { by: 'district' as const }, { by: 'unit' as const }, { by: 'district' as const, asOf: '2024-06-30' }])
      expect(await run(rebuilt.status(q))).toEqual(await run(ledger.status(q)));
    await next.close();
    await model.close();
    await cleanup();
  });

describe('rebuild without downtime (blue/green)', () => {
  scenario('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-bg-'));
    const file = join(dir, 'ledger.db');
    const db = new Database(file);
    return {
      first: 'rm_',
      versions: sqliteActiveVersion(db),
      open: async (prefix) => {
        const m = createSqliteReadModel({ file, prefix });
        return { ...m, close: async () => m.close() };
      },
      cleanup: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  it('SQLite: a rebuild another rebuild switched away from first is a SwitchLost Left, and the other one serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-bg-'));
    const file = join(dir, 'ledger.db');
    const db = new Database(file);
    try {
      const versions = sqliteActiveVersion(db);
      const open: Open = async (prefix) => {
        const m = createSqliteReadModel({ file, prefix });
        return { ...m, close: async () => m.close() };
      };
      const store = createInMemoryEventStore({ registry: ledgerRegistry });
      const { model } = await populate(store, open, 'rm_');
      let won = '';
      // The second rebuild runs to its switch while the first waits at its own: the first loses.
      const lost = await fail(
        rebuildBeside({ store, versions, open, beforeSwitch: async () => void (won = (await run(rebuildBeside({ store, versions, open }))).to) }),
      );
      expect(lost).toEqual({
        _tag: 'SwitchLost',
        projection: 'ledger-index',
        from: 'rm_',
        to: 'rm_v2_',
        message: 'another rebuild switched ledger-index away from rm_ first; rm_v2_ was not put in service',
      });
      expect(await versions.active('ledger-index')).toBe(won);
      await model.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  scenario('PostgreSQL', async () => {
    const pool = new Pool({ connectionString: pg.databaseUrl() });
    return {
      first: 'minsheng_rm',
      versions: postgresActiveVersion(pool),
      open: async (schema) => createPostgresReadModel({ connectionString: pg.databaseUrl(), schema }),
      cleanup: async () => pool.end(),
    };
  });
});

