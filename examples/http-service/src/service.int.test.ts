import { usePostgres } from '@minsheng/store-postgres/testing';
import type { FastifyInstance } from 'fastify';
import { isLeft } from 'fp-ts/Either';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from './open';
import { createService } from './service';
import { startWorker } from './worker';

const pg = usePostgres(); // first: a real embedded PostgreSQL (or $DATABASE_URL) for this file

const plan = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'seeds', 'harbin-2024.json'), 'utf8'));
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const FAST = { leaseMs: 1000, pollMs: 20 };

interface Health {
  head: number;
  lag: number;
  projections: Array<{ projection: string; checkpoint: number; owner: string | null; lag: number }>;
}
interface Row {
  task: number;
  metric: string;
  place: string;
  value: string | null;
  numerator: string | null;
  denominator: string | null;
  met: boolean | null;
  placesReported: number;
  placesExpected: number;
  status: string;
  completionRecorded: boolean;
}

const health = async (app: FastifyInstance): Promise<Health> => {
  const res = await app.inject({ method: 'GET', url: '/health' });
  expect(res.statusCode).toBe(200);
  return res.json();
};

/** Polls /health until the projection worker has indexed every recorded event. */
const caughtUp = async (app: FastifyInstance, ms = 20_000): Promise<Health> => {
  const end = Date.now() + ms;
  for (;;) {
    const h = await health(app);
    if (h.lag === 0 && h.projections.length > 0) return h;
    if (Date.now() > end) throw new Error(`the projection worker did not catch up: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Polls until `found` returns a value (not undefined): what the worker does after a batch is not seen at once. */
const eventually = async <A>(found: () => Promise<A | undefined>, what: string, ms = 20_000): Promise<A> => {
  const end = Date.now() + ms;
  for (;;) {
    const a = await found();
    if (a !== undefined) return a;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * The city row of a metric in today's GET /status. Today's, not as of the reports' 2024-09-30: a
 * completion is dated the day it is recorded (today), so a view as of 2024-09-30 never shows it.
 */
const cityRow = async (app: FastifyInstance, metric: string): Promise<Row> => {
  const res = await app.inject({ method: 'GET', url: '/status', query: { planId: 'harbin-2024' } });
  expect(res.statusCode).toBe(200);
  return (res.json().rows as Row[]).find((r) => r.metric === metric)!;
};

const gas = { task: 13, metric: 't13-gas-pipe-renewal', asOf: '2024-09-30' };
const meals = { task: 10, metric: 't10-elderly-meal-coverage', asOf: '2024-09-30', responsibleUnit: '市民政局' };
const friendly = { task: 3, metric: 't03-child-friendly-communities', asOf: '2024-09-30' };
/** Task 3's two yes/no duties besides its communities: the concept (市妇联) and the key projects (市发改委). */
const task3Duties = [
  { task: 3, metric: 't03-child-friendly-concept', place: 'harbin', asOf: '2024-09-30', value: 'yes', responsibleUnit: 'womens-federation' },
  { task: 3, metric: 't03-child-friendly-key-projects', place: 'harbin', asOf: '2024-09-30', value: 'yes', responsibleUnit: 'ndrc' },
];

describe('the HTTP service with a projection worker in process', () => {
  let app: FastifyInstance;
  let reportId: string;
  let reportedAt: string;
  beforeAll(async () => {
    app = await createService({ databaseUrl: pg.databaseUrl(), worker: 'in-process', ...FAST });
  });
  afterAll(async () => app.close()); // inside the describe: runs before the server stops

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const get = (url: string, query: Record<string, string>) => app.inject({ method: 'GET', url, query });

  it('imports the plan once (201, then 200 writing nothing) and lists every problem of a bad one (400)', async () => {
    const first = await post('/plans', plan);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ planId: 'harbin-2024', written: 90 });
    const again = await post('/plans', plan);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ planId: 'harbin-2024', written: 0 });

    const bad = await post('/plans', { ...plan, periodEnd: '2023-12-31', timeZone: 'Asia/Harbin' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'PlanInvalid',
      problems: expect.arrayContaining([
        { path: 'timeZone', reason: 'must be a UTC offset such as "+08:00"' },
        { path: 'periodEnd', reason: 'must be after periodStart' },
      ]),
    });
    expect((await caughtUp(app)).head).toBe(90);
  });

  it('records a report: 201 with its event id and global position', async () => {
    const res = await post('/reports', { ...gas, place: '道里区', value: '120', responsibleUnit: '市住建局', source: { document: '哈住建报〔2024〕88号' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ eventId: expect.stringMatching(ULID), position: 91, stream: expect.any(String), task: 13 });
    reportId = body.eventId;
  });

  it('refuses a unit not responsible for the task: 403 with the typed failure, and writes nothing', async () => {
    const before = (await health(app)).head;
    const res = await post('/reports', { ...gas, place: '道里区', value: '5', responsibleUnit: '市教育局' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'NotResponsible',
      message: '市教育局 is not a responsible unit of task 13 (responsible: 市住建局, 市发改委)',
    });
    // `by`, the deprecated alias, names the acting unit too.
    expect((await post('/reports', { ...gas, place: '道里区', value: '5', by: '市教育局' })).json()).toEqual(res.json());
    const both = await post('/reports', { ...gas, place: '道里区', value: '5', responsibleUnit: '市住建局', by: '市教育局' });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toEqual({
      error: 'InvalidInput',
      field: 'responsibleUnit',
      message: 'responsibleUnit: "市住建局" and by (its deprecated alias) "市教育局" differ; give responsibleUnit alone',
    });
    const none = await post('/reports', { ...gas, place: '道里区', value: '5' });
    expect(none.json()).toEqual({ error: 'InvalidInput', field: 'responsibleUnit', message: 'responsibleUnit: is required' });
    expect((await health(app)).head).toBe(before);
  });

  it.each([
    ['a figure that is not a number', { value: 'abc' }, 'InvalidFigure', 'value'],
    ['a negative figure', { value: '-3' }, 'InvalidFigure', 'value'],
    ['a unit that is not the target\'s', { value: '3', measure: '个' }, 'InvalidFigure', 'unit'],
    ['a unit that is not the target\'s, under the deprecated alias', { value: '3', unit: '个' }, 'InvalidFigure', 'unit'],
    ['a JSON number instead of a decimal string', { value: 120 }, 'InvalidInput', 'value'],
    ['a misspelt field', { valeu: '120' }, 'InvalidInput', 'valeu'],
  ])('answers 400 naming the field for %s, writing nothing', async (_, figure, error, field) => {
    const before = (await health(app)).head;
    const res = await post('/reports', { ...gas, place: 'daoli', responsibleUnit: 'housing', ...figure });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error, field, message: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect((await health(app)).head).toBe(before);
  });

  it('answers 404 for what the plan does not have', async () => {
    const metric = await post('/reports', { ...gas, metric: 't13-no-such-metric', place: 'daoli', value: '1', responsibleUnit: 'housing' });
    expect(metric.statusCode).toBe(404);
    expect(metric.json()).toEqual({ error: 'UnknownMetric', message: 'task 13 has no metric t13-no-such-metric' });
    const place = await post('/reports', { ...gas, place: '北京', value: '1', responsibleUnit: 'housing' });
    expect(place.statusCode).toBe(404);
    expect(place.json()).toMatchObject({ error: 'UnknownPlace' });
  });

  it('records a share as numerator and denominator', async () => {
    expect((await post('/reports', { ...meals, place: 'daoli', numerator: '61', denominator: '112' })).statusCode).toBe(201);
    expect((await post('/reports', { ...meals, place: 'nangang', numerator: '80', denominator: '130' })).statusCode).toBe(201);
    const missing = await post('/reports', { ...meals, place: 'songbei', numerator: '7' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'InvalidFigure', field: 'denominator' });
  });

  it('corrects a report once the worker has indexed it', async () => {
    await caughtUp(app);
    const res = await post(`/reports/${reportId}/corrections`, { responsibleUnit: 'housing', value: '112', reason: '复核扣除重复计算的8公里' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ eventId: expect.stringMatching(ULID), position: 94, task: 13 });
    const unknown = await post('/reports/01ARZ3NDEKTSV4RRFFQ69G5FAV/corrections', { responsibleUnit: 'housing', value: '1', reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'UnknownEvent' });
    const noReason = await post(`/reports/${reportId}/corrections`, { responsibleUnit: 'housing', value: '1' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toEqual({ error: 'InvalidInput', field: 'reason', message: 'reason: is required' });
  });

  it('shows the status after the worker catches up: by task (the city), district and unit', async () => {
    const h = await caughtUp(app);
    expect(h.head).toBe(94);
    expect(h.projections).toEqual([expect.objectContaining({ projection: 'ledger-index', checkpoint: 94, lag: 0, owner: expect.stringContaining(`:${process.pid}:`) })]);

    const city = await get('/status', { asOf: '2024-09-30' });
    expect(city.statusCode).toBe(200);
    const rows: Row[] = city.json().rows;
    expect(rows.find((r) => r.metric === gas.metric)).toMatchObject({ place: 'harbin', value: '112', status: 'behind' });
    // Above 50%, but two districts of eighteen are not the city: a share is met only once every place has reported.
    // The plan gives the share no baseline, so there is no honest pace to be on track or behind.
    expect(rows.find((r) => r.metric === meals.metric)).toMatchObject({
      value: '58.2645',
      numerator: '141',
      denominator: '242',
      met: false,
      placesReported: 2,
      placesExpected: 18,
      status: 'no baseline',
      completionRecorded: false,
    });

    const district = await get('/status', { groupBy: 'district', place: '道里区', asOf: '2024-09-30' });
    expect(district.statusCode).toBe(200);
    expect(district.json().rows.find((r: Row) => r.metric === gas.metric)).toMatchObject({ place: 'daoli', value: '112', status: 'reported' });

    // One knownAt for both views below, so that they can be compared.
    const knownAt = new Date().toISOString();
    const unit = await get('/status', { groupBy: 'unit', responsibleUnit: 'housing', asOf: '2024-09-30', knownAt });
    expect(unit.statusCode).toBe(200);
    expect(unit.json().rows.map((r: Row) => r.metric)).toContain(gas.metric);
    // `by` and `unit`, the deprecated aliases, give the same view.
    expect((await get('/status', { by: 'unit', unit: 'housing', asOf: '2024-09-30', knownAt })).json()).toEqual(unit.json());

    const bad = await get('/status', { groupBy: 'city' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'InvalidInput', field: 'groupBy', message: 'groupBy: Invalid option: expected one of "task"|"district"|"unit"' });
    const both = await get('/status', { groupBy: 'task', by: 'unit' });
    expect(both.json()).toMatchObject({ error: 'InvalidInput', field: 'groupBy' });
    const badTime = await get('/status', { knownAt: 'yesterday' });
    expect(badTime.json()).toMatchObject({ error: 'InvalidInput', field: 'knownAt' });
  });

  it('gives the audit trail of a figure, whose replay of the events matches it', async () => {
    const res = await get('/audit', { task: '13', metric: gas.metric, asOf: '2024-09-30' });
    expect(res.statusCode).toBe(200);
    const trail = res.json();
    expect(trail).toMatchObject({ place: 'harbin', value: '112', replay: { value: '112', matches: true } });
    expect(trail.entries.map((e: { type: string; figure: string; inForce: boolean }) => [e.type, e.figure, e.inForce])).toEqual([
      ['ProgressReported', '120 公里', false],
      ['ProgressCorrected', '112 公里', true],
    ]);
    reportedAt = trail.entries[0].recordedAt;

    const daoli = await get('/audit', { task: '13', metric: gas.metric, place: 'daoli', asOf: '2024-09-30' });
    expect(daoli.json()).toMatchObject({ place: 'daoli', value: '112', replay: { matches: true } });
  });

  it('answers as the ledger knew it: knownAt the report, before its correction', async () => {
    const knownAt = new Date(reportedAt).toISOString().replace('Z', '+00:00');
    const res = await get('/audit', { task: '13', metric: gas.metric, asOf: '2024-09-30', knownAt });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ value: '120', replay: { value: '120', matches: true } });
    const bad = await get('/audit', { task: 'thirteen', metric: gas.metric });
    expect(bad.json()).toEqual({ error: 'InvalidInput', field: 'task', message: 'task: must be a task number' });
  });

  it('records TaskCompleted from the worker once every target of a task is met', async () => {
    // Task 3: its two yes/no duties, and at least 20 child-friendly communities summed over the districts.
    for (const duty of task3Duties) expect((await post('/reports', duty)).statusCode).toBe(201);
    expect((await post('/reports', { ...friendly, place: '道里区', value: '12', responsibleUnit: '市妇联' })).statusCode).toBe(201);
    await caughtUp(app);
    expect(await cityRow(app, friendly.metric)).toMatchObject({ value: '12', met: false, completionRecorded: false });
    const head = (await health(app)).head;

    // The service does not complete the task (projectInline: false): the worker does, after it indexes this report.
    expect((await post('/reports', { ...friendly, place: 'nangang', value: '8', responsibleUnit: 'ndrc' })).statusCode).toBe(201);
    const row = await eventually(async () => {
      const r = await cityRow(app, friendly.metric);
      return r.completionRecorded ? r : undefined;
    }, 'task 3 to be completed');
    expect(row).toMatchObject({ task: 3, value: '20', met: true, status: 'complete', placesReported: 2, placesExpected: 18 });
    // The report and one TaskCompleted, both indexed.
    expect(await caughtUp(app)).toMatchObject({ head: head + 2, lag: 0 });
    // Task 10's share is above its target in the two districts that reported, and not completed.
    expect(await cityRow(app, meals.metric)).toMatchObject({ met: false, completionRecorded: false });
  });

  it('completes a task with a city share only once every district has reported it', async () => {
    const districts = plan.places.filter((p: { id: string; kind: string }) => p.kind !== 'city' && !['daoli', 'nangang'].includes(p.id));
    expect(districts).toHaveLength(16);
    // Task 10's yes/no duties: standard operation in every district and county, the network extended.
    for (const p of plan.places.filter((x: { kind: string }) => x.kind !== 'city'))
      expect((await post('/reports', { ...meals, metric: 't10-meal-standard-operation', place: p.id, value: 'yes' })).statusCode).toBe(201);
    expect((await post('/reports', { ...meals, metric: 't10-meal-network-extension', place: 'harbin', value: 'yes' })).statusCode).toBe(201);
    for (const d of districts) expect((await post('/reports', { ...meals, place: d.id, numerator: '30', denominator: '60' })).statusCode).toBe(201);
    const row = await eventually(async () => {
      const r = await cityRow(app, meals.metric);
      return r.completionRecorded ? r : undefined;
    }, 'task 10 to be completed');
    // (61 + 80 + 16 × 30) / (112 + 130 + 16 × 60) = 621/1202
    expect(row).toMatchObject({ numerator: '621', denominator: '1202', value: '51.6639', met: true, placesReported: 18, placesExpected: 18, status: 'complete' });
  });

  it('keeps the { error, message } shape for routes and bodies fastify refuses itself', async () => {
    const nope = await app.inject({ method: 'GET', url: '/nope' });
    expect(nope.statusCode).toBe(404);
    expect(nope.json()).toEqual({ error: 'NotFound', message: 'no route GET /nope' });
    const notJson = await app.inject({ method: 'POST', url: '/reports', headers: { 'content-type': 'application/json' }, payload: '{"task":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: 'InvalidInput' });
  });
});

describe('the HTTP service with the projection worker in another process', () => {
  it('says 503 NotYetProjected (retry) for a correction of a report the worker has not indexed, and 201 once it has', async () => {
    const url = await pg.server().createDatabase('minsheng_separate');
    const app = await createService({ databaseUrl: url, worker: 'separate', ...FAST });
    try {
      expect((await app.inject({ method: 'POST', url: '/plans', payload: plan })).statusCode).toBe(201);
      // No worker yet: the read model knows no plan, so name it.
      const noPlan = await app.inject({ method: 'GET', url: '/status' });
      expect(noPlan.statusCode).toBe(404);
      expect(noPlan.json()).toMatchObject({ error: 'UnknownPlan' });
      const report = await app.inject({ method: 'POST', url: '/reports', payload: { planId: 'harbin-2024', ...gas, place: 'daoli', value: '7', responsibleUnit: 'housing' } });
      expect(report.statusCode).toBe(201);
      const correction = { planId: 'harbin-2024', responsibleUnit: 'housing', value: '8', reason: '漏报' };
      const early = await app.inject({ method: 'POST', url: `/reports/${report.json().eventId}/corrections`, payload: correction });
      expect(early.statusCode).toBe(503);
      expect(early.headers['retry-after']).toBe('1');
      expect(early.json()).toMatchObject({ error: 'NotYetProjected' });
      // A report that meets task 3's target: recorded, but no worker has checked the task yet.
      const friendlyReport = { planId: 'harbin-2024', ...friendly, place: 'songbei', value: '20', responsibleUnit: 'womens-federation' };
      expect((await app.inject({ method: 'POST', url: '/reports', payload: friendlyReport })).statusCode).toBe(201);
      for (const duty of task3Duties) expect((await app.inject({ method: 'POST', url: '/reports', payload: { planId: 'harbin-2024', ...duty } })).statusCode).toBe(201);
      expect(await health(app)).toMatchObject({ head: 94, lag: 94 });

      // What `node dist/worker.js` runs, beside the server.
      const opened = await openLedger(url);
      const worker = startWorker(opened, FAST);
      try {
        await caughtUp(app);
        const late = await app.inject({ method: 'POST', url: `/reports/${report.json().eventId}/corrections`, payload: correction });
        expect(late.statusCode).toBe(201);
        await caughtUp(app);
        const trail = await app.inject({ method: 'GET', url: '/audit', query: { task: '13', metric: gas.metric, asOf: '2024-09-30' } });
        expect(trail.json()).toMatchObject({ value: '8', replay: { matches: true } });
        // The worker ran the completion policy for the batch that held task 3's report.
        const row = await eventually(async () => {
          const r = await cityRow(app, friendly.metric);
          return r.completionRecorded ? r : undefined;
        }, 'the worker to complete task 3');
        expect(row).toMatchObject({ value: '20', met: true });
        const completions = await opened.store.readStream('task-harbin-2024-3')();
        if (isLeft(completions)) throw new Error(completions.left.message);
        expect(completions.right.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
      } finally {
        await worker.stop();
        await opened.close();
      }
    } finally {
      await app.close();
    }
  });

  it('completes a task whose completing batch its worker committed but never checked, when the next worker has caught up', async () => {
    const url = await pg.server().createDatabase('minsheng_unchecked');
    const app = await createService({ databaseUrl: url, worker: 'separate', ...FAST });
    const opened = await openLedger(url);
    try {
      expect((await app.inject({ method: 'POST', url: '/plans', payload: plan })).statusCode).toBe(201);
      const friendlyReport = { planId: 'harbin-2024', ...friendly, place: 'songbei', value: '20', responsibleUnit: 'womens-federation' };
      expect((await app.inject({ method: 'POST', url: '/reports', payload: friendlyReport })).statusCode).toBe(201);
      for (const duty of task3Duties) expect((await app.inject({ method: 'POST', url: '/reports', payload: { planId: 'harbin-2024', ...duty } })).statusCode).toBe(201);
      // A worker committed the batch and died before its completion check: indexed, not checked.
      const projected = await opened.ledger.project()();
      if (isLeft(projected)) throw new Error(projected.left.message);
      expect(await cityRow(app, friendly.metric)).toMatchObject({ value: '20', met: true, completionRecorded: false });
      const worker = startWorker(opened, FAST);
      try {
        const row = await eventually(async () => {
          const r = await cityRow(app, friendly.metric);
          return r.completionRecorded ? r : undefined;
        }, 'the next worker to complete task 3', 5000);
        expect(row).toMatchObject({ value: '20', met: true, status: 'complete' });
        const completions = await opened.store.readStream('task-harbin-2024-3')();
        if (isLeft(completions)) throw new Error(completions.left.message);
        expect(completions.right.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
      } finally {
        await worker.stop();
      }
    } finally {
      await opened.close();
      await app.close();
    }
  });
});
