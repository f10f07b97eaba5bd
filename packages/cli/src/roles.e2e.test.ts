// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { Client, escapeIdentifier } from 'pg';
import { withClient } from './testing/engines';
import { expectRefusal } from './testing/flows';
import { cliAsync, jsonOf, until, WorkerProcess } from './testing/processes';
import { cli, json, SEED, type CliResult } from './testing/run-cli';

/*
 * Issue 13, item 16: the role set `minsheng roles --print-sql` prints, run by an owner that is
 * an ordinary role. Each CLI command runs as the least role it needs (docs/postgres.md, "Roles"),
 * and each role is refused what it must not do.
 */

const pg = usePostgres();
// Roles belong to the whole server, which $DATABASE_URL may share with other runs.
const P = `mt${Math.random().toString(36).slice(2, 8)}_`;
const OWNER = `${P}owner`;
/** Login roles, each a member of the printed roles named. */
const LOGINS = {
  writer: [`${P}writer`],
  projector: [`${P}projector`],
  reader: [`${P}reader`],
  worker: [`${P}writer`, `${P}projector`],
} as const;
type Login = keyof typeof LOGINS;
const loginName = (l: Login | 'owner') => (l === 'owner' ? OWNER : `${P}as_${l}`);

const urlAs = (role: string) => {
  const u = new URL(pg.databaseUrl());
  u.username = role;
  u.password = `${role}-secret`;
  return u.toString();
};
const as = (l: Login | 'owner', args: readonly string[]) => cli([...args, '--database-url', urlAs(loginName(l))]);

/** What PostgreSQL answers `sql` run as `l`: 'ok' or the error's code and message. */
const attempt = (l: Login, sql: string) =>
  withClient(urlAs(loginName(l)), (c) => c.query(sql)).then(
    () => 'ok',
    (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
  );

/** The run, which must have exited 0; else its stderr is the failure. */
const succeeds = (r: CliResult): CliResult => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
};

const report = ['report', '--task', '3', '--metric', 't03-child-friendly-communities', '--as-of', '2024-09-30', '--responsible-unit', 'womens-federation'];

describe('minsheng roles on PostgreSQL', () => {
  let admin: Client;
  let sql: string;

  beforeAll(async () => {
    admin = new Client({ connectionString: pg.databaseUrl() });
    await admin.connect();
    const database = escapeIdentifier(new URL(pg.databaseUrl()).pathname.slice(1));
    await admin.query(`CREATE ROLE ${OWNER} LOGIN CREATEROLE PASSWORD '${OWNER}-secret'`);
    await admin.query(`GRANT CREATE ON DATABASE ${database} TO ${OWNER}`);
    succeeds(as('owner', ['init']));
    const printed = cli(['roles', '--print-sql', '--prefix', P]);
    expect(printed.code).toBe(0);
    sql = printed.stdout;
    // Twice: the second run finds the roles and gives the same grants again.
    await withClient(urlAs(OWNER), async (c) => {
      await c.query(sql);
      await c.query(sql);
    });
    for (const l of Object.keys(LOGINS) as Login[])
      await admin.query(`CREATE ROLE ${loginName(l)} LOGIN PASSWORD '${loginName(l)}-secret' IN ROLE ${LOGINS[l].join(', ')}`);
  });

  afterAll(async () => {
    const roles = [...(Object.keys(LOGINS) as Login[]).map(loginName), `${P}writer`, `${P}projector`, `${P}reader`, OWNER];
    for (const role of roles) await admin.query(`DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
    for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin?.end();
  });

  it('prints the role set for the schemas and prefix given, and refuses bad names in one line', () => {
    expect(sql).toContain(`CREATE ROLE "${P}writer" NOLOGIN`);
    expect(sql).toContain(`GRANT SELECT, INSERT ON "minsheng".events TO "${P}writer";`);
    expect(sql).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "minsheng_rm" TO "${P}projector";`);
    expect(sql).not.toMatch(/GRANT[^\n]*(UPDATE|DELETE|TRUNCATE)[^\n]*"minsheng"\.events/);
    const other = cli(['roles', '--print-sql', '--schema', 'harbin', '--read-model', 'harbin_rm']).stdout;
    expect(other).toContain('GRANT SELECT ON "harbin".read_model_active TO "minsheng_reader";');
    expectRefusal(cli(['roles', '--print-sql', '--schema', 'Ledger; DROP']), 2, /^minsheng: --schema: "Ledger; DROP" is not a lower-case SQL identifier/);
    expectRefusal(cli(['roles', '--print-sql', '--prefix', 'a-b']), 2, /^minsheng: --prefix: "a-b" is not a role name prefix/);
    expectRefusal(cli(['roles', '--print-sql', '--read-model', 'minsheng']), 2, /^minsheng: --read-model: "minsheng" is the event store's schema/);
    expectRefusal(cli(['roles']), 2, /^minsheng: required option '--print-sql' not specified$/);
  });

  it('runs each command as the least role it needs', async () => {
    // Writers append and leave the read model to projectors.
    succeeds(as('writer', ['plan', 'import', SEED, '--no-project']));
    succeeds(as('projector', ['rebuild']));
    const reported = json(as('writer', [...report, '--place', 'daoli', '--value', '12', '--no-project', '--json']));
    expect(json(as('reader', ['worker', '--status', '--json'])).projections[0].lag).toBe(1);

    // A worker records completions too, so it is a writer and a projector.
    const worker = new WorkerProcess('roles-worker', ['--database-url', urlAs(loginName('worker')), '--poll-ms', '50']);
    try {
      await until('the worker to catch up', async () => jsonOf(await cliAsync(['worker', '--status', '--json', '--database-url', urlAs(loginName('reader'))])).projections[0].lag === 0);
    } finally {
      worker.kill('SIGTERM');
    }
    expect((await worker.exited).code).toBe(0);

    succeeds(as('writer', ['correct', reported.eventId, '--value', '11', '--reason', '复核', '--responsible-unit', 'womens-federation', '--no-project']));
    // Deadlines are judged on an up-to-date read model.
    succeeds(as('projector', ['rebuild']));
    succeeds(as('writer', ['deadlines', '--no-project']));
    // Commands that project inline need both.
    succeeds(as('worker', [...report, '--place', 'nangang', '--value', '8']));
    expect(as('owner', ['migrate']).stdout).toMatch(/is at schema version \d+ already; nothing to migrate/);
    succeeds(as('projector', ['rebuild']));

    // Readers read what projectors committed.
    const rows = json(as('reader', ['status', '--no-project', '--as-of', '2024-09-30', '--json'])).rows as { metric: string; value: string }[];
    expect(rows.find((r) => r.metric === 't03-child-friendly-communities')?.value).toBe('19');
    succeeds(as('reader', ['audit', '--task', '3', '--metric', 't03-child-friendly-communities', '--as-of', '2024-09-30', '--no-project']));
    succeeds(as('reader', ['plan', 'show', '--no-project']));
    succeeds(as('reader', ['verify']));
  });

  const denied = /^minsheng: the event store failed: permission denied for table (events|streams)$/;
  const mayNotProject = (role: string) =>
    new RegExp(`^minsheng: the role "${P}as_${role}" may not write the read model minsheng_rm, which this command brings up to date itself: run it with --no-project .*; nothing was written$`);
  it.each([
    ['reader', 'report', [...report, '--place', 'daowai', '--value', '1', '--no-project'], 1, denied],
    ['projector', 'report', [...report, '--place', 'daowai', '--value', '1', '--no-project'], 1, denied],
    ['writer', 'rebuild', ['rebuild'], 1, /^minsheng: .*permission denied for table \w+$/],
    ['writer', 'report projected inline', [...report, '--place', 'daowai', '--value', '1'], 2, mayNotProject('writer')],
    ['reader', 'status projected inline', ['status'], 2, mayNotProject('reader')],
  ] as const)('refuses the %s role the command %s, in one line, writing nothing', (login, _what, args, code, reason) => {
    const head = () => json(as('reader', ['worker', '--status', '--json'])).head as number;
    const before = head();
    const r = as(login, args);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code, stderr: expect.stringMatching(reason) });
    expect(head()).toBe(before);
  });

  const everyone: Login[] = ['writer', 'projector', 'reader', 'worker'];
  const forbidden: [string, string, readonly Login[]][] = [
    ['UPDATE an event', `UPDATE minsheng.events SET data = '{}' WHERE position = 1`, everyone],
    ['DELETE an event', 'DELETE FROM minsheng.events WHERE position = 1', everyone],
    ['TRUNCATE the events', 'TRUNCATE minsheng.events', everyone],
    ['disable the append-only trigger', 'ALTER TABLE minsheng.events DISABLE TRIGGER events_append_only', everyone],
    ['disable the insert trigger', 'ALTER TABLE minsheng.events DISABLE TRIGGER events_insert_at_head', everyone],
    ['drop the events', 'DROP TABLE minsheng.events', everyone],
    ['rewrite the migrations', 'DELETE FROM minsheng.minsheng_migrations', everyone],
    ['cut the Merkle tree\'s recorded sizes', 'DELETE FROM minsheng.merkle_sizes', everyone],
    ['disable the tree sizes\' append-only trigger', 'ALTER TABLE minsheng.merkle_sizes DISABLE TRIGGER merkle_sizes_append_only', everyone],
    ['record a Merkle tree size', 'INSERT INTO minsheng.merkle_sizes VALUES (1000000)', ['projector', 'reader']],
    ['switch the serving read model', `UPDATE minsheng.read_model_active SET name = 'elsewhere'`, everyone],
    ['create a table beside the events', 'CREATE TABLE minsheng.shadow (x int)', everyone],
    ['append an event', `INSERT INTO minsheng.events (position) VALUES (1000000)`, ['projector', 'reader']],
    ['move a stream revision', 'UPDATE minsheng.streams SET revision = revision + 1', ['projector', 'reader']],
    ['write a read-model figure', `UPDATE minsheng_rm.figures SET figure = '{"kind":"amount","value":"999"}'`, ['writer', 'reader']],
    ['insert a read-model row', `INSERT INTO minsheng_rm.pairs VALUES ('p', 'm', 'x', 0)`, ['writer', 'reader']],
    ['delete the read model', 'DELETE FROM minsheng_rm.figures', ['writer', 'reader']],
    ['truncate the read model', 'TRUNCATE minsheng_rm.figures', ['writer', 'reader']],
    ['move the checkpoint', 'UPDATE minsheng_rm.checkpoints SET position = 0', ['writer', 'reader']],
  ];
  it.each(forbidden.flatMap(([what, statement, logins]) => logins.map((l) => [l, what, statement] as const)))(
    'refuses the %s role to %s',
    async (login, _what, statement) => {
      expect(await attempt(login, statement)).toMatch(/^42501: (permission denied|must be owner)/);
    },
  );

  it('lets the owner rebuild beside the serving read model, and the new version serves the same roles', () => {
    expect(succeeds(as('owner', ['rebuild', '--beside', '--drop-old'])).stdout).toMatch(/minsheng_rm → minsheng_rm_v2,.*minsheng_rm_v2 serves now/);
    succeeds(as('projector', ['rebuild']));
    succeeds(as('worker', [...report, '--place', 'daowai', '--value', '1']));
    const rows = json(as('reader', ['status', '--no-project', '--as-of', '2024-09-30', '--json'])).rows as { metric: string; value: string }[];
    expect(rows.find((r) => r.metric === 't03-child-friendly-communities')?.value).toBe('20');
    expect(as('writer', [...report, '--place', 'daowai', '--value', '2'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/may not write the read model minsheng_rm_v2/) });
  });

  it('leaves a log that verifies after every refusal', () => {
    const v = json(as('reader', ['verify', '--json']));
    expect(v).toMatchObject({ ok: true });
  });
});
