import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectRefusal } from './testing/flows';
import { cli, json, SEED, tempDir } from './testing/run-cli';

describe('export --format html and serve: the dashboard from the command line', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];

  beforeAll(() => {
    expect(cli(['init', ...at]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at]).code).toBe(0);
  });
  afterAll(() => tmp.remove());

  it('writes the city board as one file with every metric, no address outside it, Chinese by default', () => {
    const out = join(tmp.dir, 'board.html');
    const r = cli(['export', ...at, '--format', 'html', '--as-of', '2024-10-31', '--out', out, '--json']);
    const metrics = json(cli(['export', ...at, '--format', 'json', '--as-of', '2024-10-31'])).rows.length;
    expect(metrics).toBeGreaterThan(40);
    expect(json(r)).toEqual({ file: out, rows: metrics, format: 'html' });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.match(/<tr class="row"/g)).toHaveLength(metrics);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+';/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(cli(['export', ...at, '--format', 'html', '--lang', 'en']).stdout).toContain('<html lang="en">');
  });

  it.each([
    [['--format', 'html', '--group-by', 'district'], /--group-by is for csv and json: --format html writes the city board$/],
    [['--format', 'html', '--place', '道里区'], /--place is for csv and json: --format html writes the city board$/],
    [['--format', 'json', '--lang', 'en'], /--lang is for --format csv and html: json is a machine format and keeps the ledger's own codes$/],
    [['--format', 'html', '--lang', 'fr'], /--lang: "fr" is not a language the CLI speaks: give zh-CN or en$/],
    [['--format', 'pdf'], /argument 'pdf' is invalid. Allowed choices are csv, json, html, xlsx\.$/],
  ])('refuses export %j with one line, writing nothing', (args, line) => {
    const out = join(tmp.dir, 'refused.html');
    expectRefusal(cli(['export', ...at, ...args, '--out', out]), 2, line);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--port', '70000'], /argument '70000' is invalid. It must be a port number from 0 to 65535/],
    [['--lang', 'de'], /--lang: "de" is not a language the CLI speaks: give zh-CN or en$/],
  ])('refuses serve %j with one line', (args, line) => {
    expectRefusal(cli(['serve', ...at, ...args]), 2, line);
  });

  it('refuses to serve a ledger that is not there', () => {
    expectRefusal(cli(['serve', '--db', join(tmp.dir, 'none.db')]), 2, /no ledger at .*none\.db; create one with `minsheng init`$/);
  });
});
