/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, SCREENSHOTS, startServe, watchErrors, type ServeProcess } from './testing/browser';
import { cli, ROOT, SEED, tempDir } from './testing/run-cli';

// Chromium's start and a few pages.
jest.setTimeout(120_000);

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLE_2025 = join(ROOT, 'seeds/samples/sample-2025.json');

/** Issue 18: `minsheng serve` over a ledger of two plans, in a real browser (headless chromium). */
describe('minsheng serve over several plans', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = (now: string) => ['--db', db, '--now', now];
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    expect(cli(['init', '--simulated', ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at('2024-01-05T10:00:00+08:00')]).code).toBe(0);
    expect(cli(['plan', 'import', SAMPLE_2025, ...at('2025-01-05T10:00:00+08:00')]).code).toBe(0);
    [serve, browser] = await Promise.all([startServe(['--db', db]), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    tmp.remove();
  });

  it('starts at the list of plans; a plan chosen there stays chosen from page to page', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(serve.url);
    expect(page.url()).toBe(`${serve.url}plans`);
    expect(await page.textContent('h1')).toBe('账本中的方案');
    expect(await page.$$eval('tr[data-plan]', (rows) => rows.map((r) => r.getAttribute('data-plan')))).toEqual(['harbin-2024', 'sample-2025']);
    await page.screenshot({ path: join(SCREENSHOTS, 'plans.png'), fullPage: true });

    await Promise.all([page.waitForURL(/plan=sample-2025/), page.click('tr[data-plan="sample-2025"] th a')]);
    await page.waitForSelector('body[data-charts="ready"]');
    expect(await page.textContent('header .app')).toContain('SAMPLE 2025');
    await Promise.all([page.waitForURL(/\/matrix\?plan=sample-2025/), page.click('nav a[href^="/matrix"]')]);
    await page.waitForSelector('body[data-charts="ready"]');
    expect(await page.textContent('header .app')).toContain('SAMPLE 2025');
    await Promise.all([page.waitForURL(/\/plans$/), page.click('nav a[href^="/plans"]')]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('passes axe-core checks on the list of plans', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const p = await context.newPage();
    await p.goto(`${serve.url}plans?lang=en`);
    await p.addScriptTag({ content: AXE });
    const violations = await p.evaluate(async () => {
      const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
      return r.violations.map((v: { id: string; nodes: unknown[] }) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('refuses a --plan the ledger does not hold, in one line naming the plans, before it listens', () => {
    const r = cli(['serve', '--db', db, '--port', '0', '--plan', 'harbin-2023']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('minsheng: plan harbin-2023 is not in the ledger (plans: harbin-2024, sample-2025)\n');
  });
});
