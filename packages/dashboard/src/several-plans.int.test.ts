import { parsePlanText, type Plan } from '@minsheng/core';
import { harbinPlanFile, loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from '@minsheng/ledger/testing';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDashboard } from './server';

const sampleFile = join(harbinPlanFile, '..', 'samples', 'sample-2025.json');
const loadSample = (): Plan => {
  const parsed = parsePlanText(readFileSync(sampleFile, 'utf8'), sampleFile);
  if (isLeft(parsed)) throw new Error(parsed.left.message);
  return parsed.right;
};

/** Issue 18: `minsheng serve` over a ledger that holds the 2024 plan and the 2025 one. */
describe('the dashboard over a ledger of several plans', () => {
  const clock = manualClock('2024-10-01T02:00:00Z');
  const stations = { task: 1, metric: 't01-job-stations', place: 'daoli', by: 'hrss' };
  let opened: HarbinLedger;
  let app: FastifyInstance;
  let chosen: FastifyInstance;

  beforeAll(async () => {
    opened = await openHarbinLedger(clock, loadHarbinPlan(), { prefix: 'minsheng-dashboard-plans-' });
    const { ledger } = opened;
    await run(ledger.report({ ...stations, asOf: '2024-09-30', value: '40' }));
    clock.set('2025-01-05T02:00:00Z');
    await run(ledger.importPlan(loadSample()));
    clock.set('2025-04-01T02:00:00Z');
    await run(ledger.report({ ...stations, planId: 'sample-2025', asOf: '2025-03-31', value: '30' }));
    app = createDashboard(ledger);
    chosen = createDashboard(ledger, { plan: 'sample-2025' });
  });
  afterAll(async () => {
    await app.close();
    await chosen.close();
    await opened.close();
  });

  const get = (url: string, on = app) => on.inject({ method: 'GET', url });

  it('starts at the list of plans, each linking to its board, in the language asked', async () => {
    const root = await get('/');
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/plans');
    expect((await get('/?lang=en')).headers.location).toBe('/plans?lang=en');

    const list = await get('/plans');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('账本中的方案');
    expect(list.body).toMatch(/<tr data-plan="harbin-2024"><th scope="row"><a href="\/\?plan=harbin-2024">哈尔滨市[^<]*<\/a>/);
    expect(list.body).toMatch(/<tr data-plan="sample-2025"><th scope="row"><a href="\/\?plan=sample-2025">/);
    expect(list.body).toContain('2025-01-01 – 2025-12-31');
    expect((await get('/plans?lang=en')).body).toContain('href="/?plan=sample-2025&amp;lang=en"');
    expect((await get('/api/plans')).json().map((f: { planId: string }) => f.planId)).toEqual(['harbin-2024', 'sample-2025']);
  });

  it("draws the board of the plan a page names, and every link keeps that plan", async () => {
    const board = await get('/?plan=sample-2025&asOf=2025-03-31');
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('data-metric="t01-job-stations"');
    expect(board.body).toContain('href="/matrix?asOf=2025-03-31&amp;plan=sample-2025"');
    expect(board.body).toContain('<input type="hidden" name="plan" value="sample-2025">');
    // The list of plans is one click away, and forgets the plan chosen.
    expect(board.body).toContain('href="/plans?asOf=2025-03-31"');
    const figure = (plan: string) =>
      get(`/api/status?plan=${plan}`).then((r) => (r.json().rows as Array<{ metric: string; place: string; value: string | null }>).find((x) => x.metric === 't01-job-stations')!.value);
    expect(await figure('sample-2025')).toBe('30');
    expect(await figure('harbin-2024')).toBe('40');
    expect((await get('/matrix?plan=harbin-2024')).statusCode).toBe(200);
    expect((await get('/figure?plan=sample-2025&task=1&metric=t01-job-stations')).body).toContain('30');
  });

  it('refuses, in one line naming the plans, a page or call that names no plan, and names an unknown one', async () => {
    const matrix = await get('/matrix');
    expect(matrix.statusCode).toBe(400);
    expect(matrix.body).toContain('the ledger holds several plans (harbin-2024, sample-2025): choose one at /plans, or add ?plan=harbin-2024');
    const api = await get('/api/status');
    expect(api.statusCode).toBe(400);
    expect(api.json()).toEqual({ error: 'the ledger holds several plans (harbin-2024, sample-2025): choose one at /plans, or add ?plan=harbin-2024' });
    const unknown = await get('/api/status?plan=harbin-2023');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toContain('plan harbin-2023 is not in the ledger (plans: harbin-2024, sample-2025)');
  });

  it("shows the server's plan when a page names none, and another when it does", async () => {
    const root = await get('/', chosen);
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('SAMPLE');
    expect((await get('/api/plan', chosen)).json().planId).toBe('sample-2025');
    expect((await get('/api/plan?plan=harbin-2024', chosen)).json().planId).toBe('harbin-2024');
    // Links from the server's plan carry no ?plan=: the server's default applies.
    expect(root.body).toContain('href="/matrix"');
  });
});
