import { ledgerRegistry } from '@minsheng/core';
import { createLedger } from '@minsheng/ledger';
import { loadHarbinPlan, manualClock, run } from '@minsheng/ledger/testing';
import { createSqliteProjection, createSqliteReadModel, defaultPrefix, rebuildBeside, sqliteActiveVersion, type SqliteProjection } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitMonths } from './unit-months';

const rows = (m: SqliteProjection) => m.db.prepare(`SELECT unit, month, reports, retracted FROM ${m.table('unit_months')} ORDER BY unit, month`).all();

describe('examples/custom-projection: inline and blue/green', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-custom-inline-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is brought up to date after each command, and rebuilt beside the serving version while the log grows', async () => {
    const file = join(dir, 'ledger.db');
    const clock = manualClock('2024-04-02T02:00:00Z');
    const store = createSqliteEventStore({ file, registry: ledgerRegistry, clock });
    const readModel = createSqliteReadModel({ file });
    // The same file as the ledger: its tables are prefixed unit_months_.
    const months = createSqliteProjection(unitMonths, { file });
    const ledger = createLedger({ store, readModel, clock, projections: [months] });
    await run(ledger.init('simulated'));
    await run(ledger.importPlan(loadHarbinPlan()));
    const roads = { task: 19, metric: 't19-rural-roads', responsibleUnit: 'transport' };
    const first = await run(ledger.report({ ...roads, place: 'daoli', asOf: '2024-03-28', value: '3' }));
    // No catch-up called: the command brought the projection up to date.
    expect(rows(months)).toEqual([{ unit: 'transport', month: '2024-03', reports: 1, retracted: 0 }]);
    await run(ledger.report({ ...roads, place: 'nangang', asOf: '2024-03-31', value: '4' }));
    await run(ledger.report({ task: 2, metric: 't02-wage-platform-coverage', place: 'daoli', asOf: '2024-04-01', numerator: '3', denominator: '20', responsibleUnit: 'hrss' }));
    await run(ledger.retract({ eventId: first.eventId, responsibleUnit: 'transport', reason: '重复上报' }));
    const before = [
      { unit: 'hrss', month: '2024-04', reports: 1, retracted: 0 },
      { unit: 'transport', month: '2024-03', reports: 2, retracted: 1 },
    ];
    expect(rows(months)).toEqual(before);

    const versions = sqliteActiveVersion(months.db, defaultPrefix(unitMonths));
    const opened: SqliteProjection[] = [];
    const result = await run(
      rebuildBeside({
        store,
        versions,
        projection: unitMonths.name,
        open: async (prefix) => {
          const m = createSqliteProjection(unitMonths, { file, prefix });
          opened.push(m);
          return m;
        },
        beforeSwitch: async () => {
          // The serving version still serves, and is kept up to date, while the new one is built.
          clock.set('2024-05-02T02:00:00Z');
          await run(ledger.report({ ...roads, place: 'daoli', asOf: '2024-04-30', value: '9' }));
        },
      }),
    );
    expect(result).toMatchObject({ from: 'unit_months_', to: 'unit_months_v2_' });
    expect(await versions.active(unitMonths.name)).toBe('unit_months_v2_');
    const after = [...before, { unit: 'transport', month: '2024-04', reports: 1, retracted: 0 }];
    const v2 = createSqliteProjection(unitMonths, { file, prefix: result.to });
    expect(rows(v2)).toEqual(after);
    expect(await v2.reader.checkpoint()).toBe(result.checkpoint);
    // The old version, which this ledger still projects into until it is reopened, holds the same rows.
    expect(rows(months)).toEqual(after);
    expect(opened.every((m) => !m.db.open)).toBe(true);
    v2.close();
    months.close();
    readModel.close();
    await store.close();
  });
});
