import { parsePlanText, type Plan } from '@minsheng/core';
import { createPostgresReadModel, createSqliteReadModel, type ReadModelReader } from '@minsheng/projections';
import { usePostgres } from '@minsheng/store-postgres/testing';
import Database from 'better-sqlite3';
import { isLeft } from 'fp-ts/Either';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { withLedger } from '../open-ledger';
import type { LedgerLocation } from '../options';
import { SEED_PLAN } from '../paths';
import { playYear } from './play';
import { simulatedYear } from './script';

// A year is about 1,400 commands; on PostgreSQL each is a few round trips.
jest.setTimeout(900_000);

const pg = usePostgres();
const dir = mkdtempSync(join(tmpdir(), 'minsheng-in-force-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = { asOf: '9999-12-31', knownAt: 8.64e15 };
type PairRow = { plan: string; metric: string; place: string; position: number | null };

const plan = (): Plan => {
  const parsed = parsePlanText(readFileSync(SEED_PLAN, 'utf8'), SEED_PLAN);
  if (isLeft(parsed)) throw new Error(parsed.left.message);
  return parsed.right;
};

/** Plays the demo year (its corrections and retraction among it) into the ledger at `location`. */
const playDemoYear = async (location: LedgerLocation): Promise<void> => {
  let now = new Date('2024-01-02T09:00:00+08:00');
  const clock = { now: () => new Date(now.getTime()), set: (at: Date) => (now = at) };
  await withLedger(location, clock, async (l) => {
    const must = async (te: () => Promise<unknown>) => {
      const r = (await te()) as { _tag: string; left?: { message: string } };
      if (r._tag === 'Left') throw new Error(r.left!.message);
    };
    await must(l.ledger.init('simulated'));
    await must(l.ledger.importPlan(plan()));
    await playYear(l.ledger, clock, simulatedYear(plan(), 2024));
  }, { create: true });
};

/** Every pair's row against the effective-figure query at the head, run by a reader that never reads the rows. */
const expectRowsAsQuery = async (rows: readonly PairRow[], reference: ReadModelReader): Promise<void> => {
  const metrics = [...new Set(rows.map((r) => `${r.plan}\u0000${r.metric}`))];
  const expected = new Map<string, number>();
  for (const key of metrics) {
    const [planId, metric] = key.split('\u0000') as [string, string];
    for (const v of await reference.effectiveFigures(planId, metric, HEAD)) expected.set(`${key}\u0000${v.place}`, v.position);
  }
  expect(rows.length).toBeGreaterThan(100);
  expect(rows.filter((r) => r.position !== null).length).toBe(expected.size);
  for (const r of rows)
    expect({ ...r, position: r.position }).toEqual({ ...r, position: expected.get(`${r.plan}\u0000${r.metric}\u0000${r.place}`) ?? null });
};

describe('the demo year: each pair\'s figure in force, kept in its row', () => {
  it('equals the effective-figure query for every pair on SQLite', async () => {
    const file = join(dir, 'demo.db');
    await playDemoYear({ kind: 'sqlite', file });
    const reference = createSqliteReadModel({ file, inForceRows: false });
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare(`SELECT plan_id AS plan, metric, place, in_force_position AS position FROM rm_pairs`).all() as PairRow[];
      await expectRowsAsQuery(rows, reference.reader);
    } finally {
      db.close();
      reference.close();
    }
  });

  it('equals the effective-figure query for every pair on PostgreSQL', async () => {
    await playDemoYear({ kind: 'postgres', url: pg.databaseUrl() });
    const reference = await createPostgresReadModel({ connectionString: pg.databaseUrl(), inForceRows: false });
    const pool = new Pool({ connectionString: pg.databaseUrl(), max: 1 });
    try {
      const rows = (await pool.query(`SELECT plan_id AS plan, metric, place, in_force_position AS position FROM minsheng_rm.pairs`)).rows.map(
        (r): PairRow => ({ ...r, position: r.position === null ? null : Number(r.position) }),
      );
      await expectRowsAsQuery(rows, reference.reader);
    } finally {
      await pool.end();
      await reference.close();
    }
  });
});
