import { CURRENT_VERSION, ledgerRegistry, newEventId } from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { catchUpReadModel, createSqliteProjection, runWorker, type SqliteProjection } from '@minsheng/projections';
import { stopAfter } from '@minsheng/projections/testing';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitMonths } from './unit-months';

const WORKER = join(__dirname, '..', 'dist', 'worker-main.js');
const UNITS = ['transport', 'hrss', 'housing'];
const REPORTS = 600;

const appendReports = async (store: EventStore, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const month = String((i % 9) + 1).padStart(2, '0');
    const r = await store.append(
      `progress-harbin-2024-t19-rural-roads-p${i % 5}`,
      [
        {
          eventId: newEventId(),
          type: 'ProgressReported',
          schemaVersion: CURRENT_VERSION.ProgressReported,
          data: { planId: 'harbin-2024', task: 19, metric: 't19-rural-roads', place: `p${i % 5}`, asOf: `2024-${month}-28`,
            figure: { kind: 'quantity', value: String(i), unit: '公里' } },
          metadata: { actor: { unit: UNITS[i % 3]! }, recordedAt: new Date(Date.UTC(2024, 9, 1, 0, 0, i)).toISOString(), correlationId: 'c' },
        },
      ],
      ANY,
    )();
    if (r._tag === 'Left') throw new Error(r.left.message);
  }
};

const rows = (m: SqliteProjection) =>
  m.db.prepare(`SELECT * FROM ${m.table('unit_months')} ORDER BY unit, month`).all() as { unit: string; month: string; reports: number }[];

describe('examples/custom-projection: competing workers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-custom-workers-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a worker killed mid-way leaves its lease to expire; two competing workers resume from its checkpoint, nothing counted twice', async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npx tsc -b)`);
    const file = join(dir, 'ledger.db');
    const projectionFile = join(dir, 'unit-months.db');
    const store = createSqliteEventStore({ file, registry: ledgerRegistry });
    await appendReports(store, REPORTS);

    // Worker a, a process of its own, commits small batches slowly and is killed after its third.
    const a = spawn(process.execPath, [WORKER, file, projectionFile, 'a'], {
      env: { ...process.env, LEASE_MS: '1000', POLL_MS: '50', BATCH_SIZE: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    a.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let batches = 0;
      a.stdout.on('data', (d: Buffer) => {
        batches += (d.toString().match(/^batch /gm) ?? []).length;
        if (batches >= 3 && a.kill('SIGKILL')) resolve();
      });
      a.on('exit', (code) => reject(new Error(`worker a exited (${code}) before it was killed: ${stderr}`)));
    });
    await new Promise((r) => a.once('exit', r));

    const b = createSqliteProjection(unitMonths, { file: projectionFile });
    const c = createSqliteProjection(unitMonths, { file: projectionFile });
    const killedAt = await b.reader.checkpoint();
    expect(killedAt).toBeGreaterThanOrEqual(30);
    expect(killedAt).toBeLessThan(REPORTS);
    // a died holding its lease: nobody may take it until it expires.
    expect(await b.writer.acquireLease('unit-months', 'probe', 1000)).toBe(false);

    const stop = stopAfter(30_000);
    const applied = { b: 0, c: 0 };
    const leases: string[] = [];
    const worker = (owner: 'b' | 'c', model: SqliteProjection) =>
      runWorker({ store, model, owner, leaseMs: 1000, pollMs: 50, batchSize: 25, signal: stop.signal,
        onLease: (held) => leases.push(`${owner}:${held}`),
        onBatch: (_, n) => (applied[owner] += n),
        onReachedHead: (checkpoint) => {
          if (checkpoint === REPORTS) stop.abort();
        } });
    await Promise.all([worker('b', b), worker('c', c)]);

    expect(await b.reader.checkpoint()).toBe(REPORTS);
    // One of them took the lease once a's expired; the other never held it while it lived.
    expect(leases).toHaveLength(1);
    expect(applied.b + applied.c).toBe(REPORTS - killedAt);
    // The rows are those of one catch-up from position 0: nothing a committed was applied again.
    const fresh = createSqliteProjection(unitMonths, { file: ':memory:' });
    expect((await catchUpReadModel(store, fresh)())._tag).toBe('Right');
    expect(rows(b)).toEqual(rows(fresh));
    expect(rows(b).reduce((n, r) => n + r.reports, 0)).toBe(REPORTS);
    for (const m of [b, c, fresh]) m.close();
    await store.close();
  });
});
