import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * Every ```ts snippet of the READMEs and docs/ is compiled, each as an ES module of its own,
 * against the built packages' declarations (strict), so no snippet drifts
 * from the API it shows. A snippet names its imports and declares what it takes as given
 * (`declare const plan: Plan;`). It needs `tsc -b` first, as the other e2e tests do.
 */

const ROOT = join(__dirname, '..', '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const markdown = (): string[] => [
  'README.md',
  ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/README.md`),
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'examples')).map((e) => `examples/${e}/README.md`),
].filter((f) => {
  try {
    readFileSync(join(ROOT, f));
    return true;
  } catch {
    return false;
  }
});

interface Snippet {
  readonly source: string;
  readonly code: string;
}

const snippets = (): Snippet[] =>
  markdown().flatMap((f) =>
    [...readFileSync(join(ROOT, f), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, i) => ({ source: `${f}#${i + 1}`, code: m[1]! })),
  );

/** Where a snippet's imports resolve: the EventStoreDB adapter is a dependency of no other package. */
const home = (s: Snippet): string => join(ROOT, 'packages', s.code.includes('@minsheng/store-eventstoredb') ? 'store-eventstoredb' : 'cli');

describe('the snippets of the READMEs and docs/', () => {
  const all = snippets();

  it('are found: every package README has one', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const p of ['core', 'event-store', 'ledger', 'projections', 'store-sqlite', 'store-postgres'])
      expect(all.some((s) => s.source.startsWith(`packages/${p}/README.md#`))).toBe(true);
  });

  it('each import what they use and compile under strict settings', () => {
    const dirs = new Map<string, string>();
    const files: { file: string; source: string }[] = [];
    try {
      all.forEach((s, i) => {
        const at = home(s);
        if (!dirs.has(at)) dirs.set(at, mkdtempSync(join(at, '.snippets-')));
        const file = join(dirs.get(at)!, `snippet-${i}.mts`);
        // `export {}` makes a snippet without imports a module too, where top-level await is allowed.
        writeFileSync(file, `${s.code}\nexport {};\n`);
        files.push({ file, source: s.source });
      });
      const flags = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node'];
      const r = spawnSync(process.execPath, [TSC, ...flags, ...files.map((f) => f.file)], { cwd: ROOT, encoding: 'utf8' });
      // Each error names the snippet by its markdown file and number, not the scratch file.
      const named = files.reduce((out, f) => out.split(relative(ROOT, f.file)).join(f.source), r.stdout);
      expect(named.trim()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
    }
  });
});
