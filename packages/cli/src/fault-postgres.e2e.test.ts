// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { randomBytes } from 'node:crypto';
import { postgresBackend } from './testing/backends';
import { withClient } from './testing/engines';
import { buildTemplates, FAULT_SECONDS, faultKinds, runFaultKind, type FaultEngine, type FaultLedger } from './testing/faults';
import { tempDir } from './testing/run-cli';

/*
 * The fault suite on PostgreSQL (see testing/faults.ts): the same kills and checks as on
 * SQLite, each on a database copied from a template (CREATE DATABASE … TEMPLATE).
 */

const pg = usePostgres();
const tmp = tempDir();
afterAll(() => tmp.remove());

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const urlOf = (database: string) => {
  const u = new URL(pg.server().url());
  u.pathname = `/${database}`;
  return u.toString();
};

const ledgerAt = (url: string): FaultLedger => ({
  location: { kind: 'postgres', url },
  args: ['--database-url', url],
  backend: postgresBackend(() => url),
  remove: () => withClient(pg.server().url(), async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${databaseOf(url)}" WITH (FORCE)`))),
});

const postgres: FaultEngine = {
  name: 'PostgreSQL',
  template: async (name) => ledgerAt(await pg.server().createDatabase(`fault_template_${name}`)),
  copy: async (template) => {
    const name = `fault_run_${randomBytes(5).toString('hex')}`;
    const from = databaseOf((template.location as { url: string }).url);
    // A pool just ended may still be closing its connections to the template.
    for (let tries = 1; ; tries++) {
      try {
        await withClient(pg.server().url(), (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`));
        break;
      } catch (e) {
        if (tries >= 50 || !/being accessed by other users/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return ledgerAt(urlOf(name));
  },
};

describe('kill -9 at random points, on PostgreSQL', () => {
  let templates: Awaited<ReturnType<typeof buildTemplates>>;
  beforeAll(async () => {
    templates = await buildTemplates(postgres);
  }, 300_000);

  it.each(faultKinds(tmp.dir).map((k) => [k.name, k] as const))(
    '%s: nothing half-written, verify ok, every completion recorded, rebuild equals live',
    async (_, kind) => {
      expect(await runFaultKind(postgres, kind, templates)).toBeGreaterThan(0);
    },
    (FAULT_SECONDS + 120) * 1000,
  );
});
