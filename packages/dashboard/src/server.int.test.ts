import { loadHarbinPlan, manualClock, openHarbinLedger, run, type HarbinLedger } from '@minsheng/ledger/testing';
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { boardFile } from './static-file';
import { createDashboard } from './server';
import { SERVER_CSP } from './csp';
import { mostUrgent, statusClass } from './status-style';

const plan = loadHarbinPlan();

describe('the dashboard over a SQLite read model', () => {
  const clock = manualClock('2024-10-01T02:00:00Z');
  let opened: HarbinLedger;
  let app: FastifyInstance;
  let reportId = '';

  beforeAll(async () => {
    opened = await openHarbinLedger(clock, plan, { prefix: 'minsheng-dashboard-' });
    const { ledger } = opened;
    const bridges = { task: 19, metric: 't19-dangerous-bridges', by: '市交通运输局' };
    reportId = (await run(ledger.report({ ...bridges, place: '巴彦县', asOf: '2024-09-30', value: '4' }))).eventId;
    await run(ledger.report({ ...bridges, place: '道里区', asOf: '2024-09-30', value: '6' }));
    clock.set('2024-10-20T02:00:00Z');
    await run(ledger.correct({ ...bridges, eventId: reportId, value: '3', reason: '一座桥梁尚未通过交工验收' }));
    await run(ledger.report({ task: 1, metric: 't01-job-stations', place: '道里区', asOf: '2024-10-15', value: '5', by: '市人社局' }));
    clock.set('2024-11-02T02:00:00Z');
    app = createDashboard(ledger);
  });
  afterAll(async () => {
    await app.close();
    await opened.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('draws the city board: every metric of the plan, each bar in its status colour, in Chinese', async () => {
    const api = (await get('/api/status')).json();
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(SERVER_CSP);
    const body = page.body;
    expect(body).toContain('<html lang="zh-CN">');
    expect(api.rows.length).toBe(plan.tasks.reduce((n, t) => n + t.metrics.length, 0));
    for (const r of api.rows) {
      const row = new RegExp(`<tr class="row" data-task="${r.task}" data-metric="${r.metric}" data-place="harbin" data-status="${r.status}">[\\s\\S]*?class="fill ${statusClass(r.status)}"`);
      expect(body).toMatch(row);
    }
    expect(body).toContain('序时进度');
    expect(body).not.toMatch(/<script>|<script(?![^>]*(src=|type="application\/json"))/);
  });

  it('answers as of a moment: known at 15 Oct the correction of 20 Oct is not counted', async () => {
    const row = (v: { rows: Array<{ metric: string; value: string | null }> }) => v.rows.find((r) => r.metric === 't19-dangerous-bridges')!.value;
    expect(row((await get('/api/status')).json())).toBe('9');
    expect(row((await get('/api/status?asOf=2024-10-15&knownAt=2024-10-15')).json())).toBe('10');
    const board = await get('/?asOf=2024-10-15&knownAt=2024-10-15');
    expect(board.body).toContain('data-as-of="2024-10-15" data-known-at="2024-10-15T15:59:59.999Z"');
    // Links keep the moment.
    expect(board.body).toContain('href="/matrix?asOf=2024-10-15&amp;knownAt=2024-10-15"');
  });

  it("shows a figure's page with every event of its trail and each event's hash", async () => {
    const trail = (await get('/api/audit?task=19&metric=t19-dangerous-bridges')).json();
    expect(trail.entries.length).toBe(3);
    const page = await get('/figure?task=19&metric=t19-dangerous-bridges');
    expect(page.statusCode).toBe(200);
    for (const e of trail.entries) {
      expect(page.body).toContain(`id="event-${e.eventId}"`);
      expect(page.body).toContain(e.hash);
    }
    expect(page.body).toContain('更正');
  });

  it('draws the district matrix, a place, the units scoreboard and a unit, and speaks English when asked', async () => {
    const matrix = (await get('/matrix')).body;
    const districts = (await get('/api/status?groupBy=district')).json().rows as Array<{ place: string; task: number; status: string }>;
    // `by` and `unit` are the deprecated aliases of `groupBy` and `responsibleUnit`, and still work.
    expect((await get('/api/status?by=district')).json().rows).toEqual(districts);
    const unit = (await get(`/api/status?groupBy=unit&responsibleUnit=${encodeURIComponent('市交通运输局')}`)).json();
    expect(unit.rows.length).toBeGreaterThan(0);
    expect(new Set(unit.rows.map((r: { responsibleUnit: string }) => r.responsibleUnit))).toEqual(new Set(['市交通运输局']));
    expect((await get(`/api/status?by=unit&unit=${encodeURIComponent('市交通运输局')}`)).json()).toEqual(unit);
    for (const place of ['daoli', 'bayan']) {
      const row = new RegExp(`<tr data-place="${place}">[\\s\\S]*?</tr>`).exec(matrix)![0];
      for (const task of [1, 19]) {
        const s = mostUrgent(districts.filter((r) => r.place === place && r.task === task).map((r) => r.status))!;
        expect(row).toContain(`<td class="cell ${statusClass(s)}" data-task="${task}" data-status="${s}"><a href="/place/${place}"`);
      }
    }
    expect((await get('/place/daoli')).body).toContain('道里区：各项指标');
    expect((await get('/units')).body).toContain('市交通运输局');
    expect((await get(`/unit/${encodeURIComponent('市交通运输局')}`)).statusCode).toBe(200);
    const en = await get('/?lang=en');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('city board');
  });

  it.each([
    ['/api/status?asOf=2024-13-01', 400, 'asOf "2024-13-01" must be a real date written YYYY-MM-DD, e.g. 2024-10-31'],
    ['/api/status?knownAt=yesterday', 400, 'knownAt "yesterday" must be a day'],
    ['/api/status?groupBy=street', 400, 'groupBy "street" must be task, district or unit'],
    ['/api/status?by=street', 400, 'groupBy "street" must be task, district or unit'],
    ['/api/status?groupBy=task&by=unit', 400, 'groupBy "task" and by (its deprecated alias) "unit" differ; give groupBy alone'],
    ['/api/status?place=松花江区', 400, '松花江区'],
    ['/api/audit?task=x&metric=t19-dangerous-bridges', 400, 'task must be a whole number, e.g. 13, not "x"'],
    ['/api/audit?task=19', 400, 'metric is required'],
    ['/api/messages?lang=fr', 400, 'lang "fr" is not a language of the dashboard: zh-CN or en'],
  ])('refuses %s with one line: %s', async (url, code, reason) => {
    const r = await get(url);
    expect(r.statusCode).toBe(code);
    const { error } = r.json();
    expect(error).toContain(reason);
    expect(error).not.toContain('\n');
  });

  it('is read-only: no route takes a write', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const)
      expect((await app.inject({ method, url: '/api/status' })).statusCode).toBe(404);
  });

  it('shows a page saying why when a page cannot be drawn', async () => {
    const r = await get('/figure?task=99&metric=x');
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('无法显示');
  });

  it('writes the board as one file whose inline scripts and style the CSP names by hash', async () => {
    const { html, view } = await boardFile(opened.ledger, { lang: 'en', asOf: '2024-10-15' });
    expect(view.asOf).toBe('2024-10-15');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).not.toContain('unsafe-inline');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBe(2);
    for (const s of scripts) expect(csp).toContain(hash(s));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(hash(style));
    expect(html).not.toMatch(/src="http|href="http/);
    expect(html).toContain('This file has no time-travel controls');
  });
});
