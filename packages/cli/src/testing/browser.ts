import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MAIN, ROOT, TEST_LANG } from './run-cli';

/** Where the browser tests leave their screenshots for review. */
export const SCREENSHOTS = join(ROOT, '.tmp', 'browser');

/**
 * Debian's chromium (or $CHROMIUM_PATH). Missing, the browser tests fail rather than skip:
 * .ci/run installs it (`apt-get install chromium fonts-wqy-microhei`).
 */
export const chromiumPath = (): string => {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path))
    throw new Error(`no chromium at ${path}: install it with \`apt-get install -y chromium fonts-wqy-microhei\` (.ci/run does), or set $CHROMIUM_PATH`);
  return path;
};

export const launchChromium = (): Promise<Browser> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // As root chromium refuses to start with its sandbox on.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--font-render-hinting=none'] });
};

/** `minsheng serve` on a free port: its URL, and a way to stop it. */
export interface ServeProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export const startServe = (args: readonly string[]): Promise<ServeProcess> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...TEST_LANG };
    for (const k of ['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL']) delete env[k];
    const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--json', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      try {
        const { url } = JSON.parse(out) as { url: string };
        resolve({
          url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      } catch {
        // Not the whole JSON yet.
      }
    });
    child.once('exit', (code) => reject(new Error(`minsheng serve exited ${code}: ${err}`)));
  });

/** The console errors and uncaught exceptions a page shows (a CSP refusal is one). */
export const watchErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
};

/** "#1b7a3d" as the browser computes it: "rgb(27, 122, 61)". */
export const rgb = (hex: string): string =>
  `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
