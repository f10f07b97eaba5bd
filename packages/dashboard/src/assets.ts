import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statusCss } from './status-style';

/** The files the pages load: ECharts from its npm package (no CDN: the office's machines have no internet), our script and stylesheet. */
export interface Assets {
  readonly echarts: string;
  readonly script: string;
  readonly style: string;
}

/** This package's assets folder: beside dist/ when built, beside src/ in tests. */
const ASSETS_DIR = join(__dirname, '..', 'assets');

let loaded: Assets | undefined;

export const loadAssets = (): Assets =>
  (loaded ??= {
    echarts: readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8'),
    script: readFileSync(join(ASSETS_DIR, 'dashboard.js'), 'utf8'),
    style: `${readFileSync(join(ASSETS_DIR, 'dashboard.css'), 'utf8')}\n${statusCss()}\n`,
  });

/** A CSP source for inline content: its SHA-256. */
export const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
