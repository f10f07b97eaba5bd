import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteBackend } from './testing/backends';
import { buildTemplates, FAULT_SECONDS, faultKinds, runFaultKind, type FaultEngine, type FaultLedger } from './testing/faults';
import { tempDir } from './testing/run-cli';

/*
 * The fault suite on SQLite (see testing/faults.ts): kill -9 at random points of appends,
 * projection, plan import and rebuild, each checked for nothing half-written, verify ok,
 * every completion recorded and a read model equal to a rebuild.
 * FAULT_ITERATIONS and FAULT_SECONDS bound each kind; docs/operations.md says how to run longer.
 */

const tmp = tempDir();
afterAll(() => tmp.remove());

let n = 0;
const ledgerAt = (file: string): FaultLedger => ({
  location: { kind: 'sqlite', file },
  args: ['--db', file],
  backend: sqliteBackend(file),
  remove: async () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  },
});

const sqlite: FaultEngine = {
  name: 'SQLite',
  template: async (name) => ledgerAt(join(tmp.dir, `template-${name}.db`)),
  copy: async (template) => {
    const from = (template.location as { file: string }).file;
    const to = join(tmp.dir, `run-${++n}.db`);
    copyFileSync(from, to);
    if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
    return ledgerAt(to);
  },
};

describe('kill -9 at random points, on SQLite', () => {
  let templates: Awaited<ReturnType<typeof buildTemplates>>;
  beforeAll(async () => {
    templates = await buildTemplates(sqlite);
  }, 120_000);

  it.each(faultKinds(tmp.dir).map((k) => [k.name, k] as const))(
    '%s: nothing half-written, verify ok, every completion recorded, rebuild equals live',
    async (_, kind) => {
      expect(await runFaultKind(sqlite, kind, templates)).toBeGreaterThan(0);
    },
    (FAULT_SECONDS + 120) * 1000,
  );
});
