/// <reference lib="dom" />
// The functions given to page.evaluate run in the browser: they see its DOM.
import { STATUS_COLOURS, statusColour } from '@minsheng/dashboard';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, rgb, SCREENSHOTS, startServe, watchErrors, type ServeProcess } from './testing/browser';
import { cli, json, tempDir } from './testing/run-cli';

// A demo year (seconds), chromium's start, and five pages.
jest.setTimeout(120_000);

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe('the dashboard in a real browser (headless chromium)', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    expect(cli(['demo', '--db', db]).code).toBe(0);
    [serve, browser] = await Promise.all([startServe(['--db', db]), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    tmp.remove();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    errors = watchErrors(page);
  });
  afterEach(async () => {
    await page.close();
    expect(errors).toEqual([]);
  });

  const open = async (path: string, shot: string) => {
    const r = await page.goto(`${serve.url}${path.replace(/^\//, '')}`);
    expect(r!.status()).toBe(200);
    await page.waitForSelector('body[data-charts="ready"]');
    await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage: true });
  };
  const api = async (path: string) => (await page.request.get(`${serve.url}${path.replace(/^\//, '')}`)).json();

  /** What a board's rows show: metric, figure, percent, status word's key, and its bar's colour. */
  const shownRows = () =>
    page.$$eval('tr.row', (rows) =>
      rows.map((r) => ({
        task: Number(r.getAttribute('data-task')),
        metric: r.getAttribute('data-metric')!,
        status: r.getAttribute('data-status')!,
        percent: r.querySelector('td.percent')!.textContent!.trim(),
        fill: getComputedStyle(r.querySelector('rect.fill')!).fill,
        badge: getComputedStyle(r.querySelector('.badge')!).backgroundColor,
      })),
    );

  it('draws every task and metric of the city board, each bar in the colour of the status the API gives', async () => {
    await open('/', 'board');
    const view = await api('/api/status');
    const plan = await api('/api/plan');
    const rows = await shownRows();
    expect(rows.map((r) => r.metric)).toEqual(view.rows.map((r: { metric: string }) => r.metric));
    expect([...new Set(rows.map((r) => r.task))]).toEqual(plan.tasks.map((t: { number: number }) => t.number));
    for (const [i, r] of view.rows.entries()) {
      expect(rows[i]!.status).toBe(r.status);
      expect(rows[i]!.fill).toBe(rgb(statusColour(r.status)));
      expect(rows[i]!.badge).toBe(rgb(statusColour(r.status)));
    }
    // Chinese first: the status words and the chart drawn by ECharts.
    expect(await page.locator('.badge[data-status="complete"]').first().textContent()).toBe('已完成');
    expect(await page.getAttribute('#status-chart', 'data-items')).toBe(String(new Set(view.rows.map((r: { status: string }) => r.status)).size));
    expect(await page.locator('#status-chart canvas').count()).toBeGreaterThan(0);
    expect(Object.keys(STATUS_COLOURS)).toContain('on track');
  });

  it('redraws the board at the moment asked for, with the figures `status --as-of --known-at` prints', async () => {
    await open('/', 'board-now');
    await page.fill('#asOf', '2024-10-31');
    await page.fill('#knownAt', '2024-10-31');
    await Promise.all([page.waitForURL(/asOf=2024-10-31/), page.click('#redraw')]);
    await page.waitForSelector('body[data-charts="ready"]');
    await page.screenshot({ path: join(SCREENSHOTS, 'board-2024-10-31.png'), fullPage: true });
    const printed = json(cli(['status', '--db', db, '--as-of', '2024-10-31', '--known-at', '2024-10-31', '--json']));
    const rows = await shownRows();
    expect(rows.map((r) => [r.metric, r.percent, r.status])).toEqual(
      printed.rows.map((r: { metric: string; percent: string | null; status: string }) => [r.metric, r.percent ?? '—', r.status]),
    );
    expect(await page.getAttribute('#moment-caption', 'data-known-at')).toBe(printed.knownAt);
    // Every link keeps the moment: the matrix opens at the same date.
    await Promise.all([page.waitForURL(/\/matrix\?asOf=2024-10-31/), page.click('nav >> text=区县矩阵')]);
  });

  it("shows a figure's audit timeline with every event of the figure, each point leading to its event and hash", async () => {
    await open('/figure?task=19&metric=t19-dangerous-bridges', 'figure-t19');
    const trail = await api('/api/audit?task=19&metric=t19-dangerous-bridges');
    expect(trail.entries.length).toBeGreaterThan(3);
    expect(await page.getAttribute('#timeline-chart', 'data-points')).toBe(String(trail.entries.length));
    const listed = await page.$$eval('tr.event', (rows) => rows.map((r) => [r.getAttribute('data-event-id'), r.querySelector('code.hash')!.textContent]));
    expect(listed).toEqual(trail.entries.map((e: { eventId: string; hash: string }) => [e.eventId, e.hash]));
    // Click the correction's point on the chart: the page goes to that event's row.
    const corrected = trail.entries.find((e: { type: string }) => e.type === 'ProgressCorrected');
    const at = await page.evaluate(
      ([recordedAt, value]) => {
        const chart = (window as any).echarts.getInstanceByDom(document.getElementById('timeline-chart'));
        const [x, y] = chart.convertToPixel({ seriesIndex: 1 }, [recordedAt, value]);
        const box = document.getElementById('timeline-chart')!.getBoundingClientRect();
        return { x: box.left + x, y: box.top + y };
      },
      [corrected.recordedAt, Number(corrected.value)] as const,
    );
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction((id) => location.hash === `#event-${id}`, corrected.eventId);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`event-${corrected.eventId}`);
  });

  it('draws the district matrix and the units scoreboard, and clicks through to a place and a unit', async () => {
    await open('/matrix', 'matrix');
    const cells = await page.$$eval('td.cell[data-status]', (tds) => tds.map((td) => [td.getAttribute('data-status')!, getComputedStyle(td).backgroundColor]));
    expect(cells.length).toBeGreaterThan(100);
    for (const [status, colour] of cells) expect(colour).toBe(rgb(statusColour(status!)));
    await Promise.all([page.waitForURL(/\/place\/daoli/), page.click('tr[data-place="daoli"] th a')]);
    await page.waitForSelector('body[data-charts="ready"]');
    expect(await page.textContent('h1')).toBe('道里区：各项指标');
    await open('/units', 'units');
    await Promise.all([page.waitForURL(/\/unit\//), page.click('tr[data-unit="市住建局"] th a')]);
    expect(await page.textContent('h1')).toContain('市住建局');
    await page.screenshot({ path: join(SCREENSHOTS, 'unit.png'), fullPage: true });
  });

  it('passes axe-core checks (labels, contrast, structure) on every page, and the keyboard reaches the controls', async () => {
    // axe is injected as a script: this page's context lets it past the CSP the others keep.
    const context = await browser.newContext({ bypassCSP: true });
    const p = await context.newPage();
    for (const path of ['', 'matrix', 'units', 'figure?task=19&metric=t19-dangerous-bridges', 'place/daoli']) {
      await p.goto(`${serve.url}${path}`);
      await p.waitForSelector('body[data-charts="ready"]');
      await p.addScriptTag({ content: AXE });
      const violations = await p.evaluate(async () => {
        const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
        return r.violations.map((v: { id: string; nodes: unknown[] }) => `${v.id} (${v.nodes.length})`);
      });
      expect({ path, violations }).toEqual({ path, violations: [] });
    }
    await p.goto(serve.url);
    const reached: string[] = [];
    // A date field takes three stops (year, month, day).
    for (let i = 0; i < 10; i++) {
      await p.keyboard.press('Tab');
      reached.push(await p.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
    }
    expect(reached).toEqual(expect.arrayContaining(['A', 'asOf', 'knownAt', 'redraw']));
    await context.close();
  });
});
