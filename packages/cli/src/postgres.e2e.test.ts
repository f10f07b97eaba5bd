// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { migrate } from '@minsheng/store-postgres';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { postgresLedger, shownUrl, withClient } from './testing/engines';
import { describeCliFlows, expectRefusal } from './testing/flows';
import { cli, json, SEED } from './testing/run-cli';

const pg = usePostgres();

// The same flows as on SQLite (cli.e2e.test.ts), on this file's database.
describeCliFlows(postgresLedger(pg));

describe('minsheng on PostgreSQL: connections and migrations', () => {
  it('names a connection failure in one line, exit 1, no stack, no password', async () => {
    const url = new URL(pg.databaseUrl());
    const refused = cli(['status', '--database-url', `postgres://minsheng:secret@127.0.0.1:1/ledger`]);
    expectRefusal(refused, 1, /^minsheng: cannot open the ledger at postgres:\/\/minsheng@127\.0\.0\.1:1\/ledger: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    const wrongPassword = new URL(url);
    wrongPassword.password = 'not-the-password';
    const denied = cli(['status'], { DATABASE_URL: wrongPassword.toString() });
    expectRefusal(denied, 1, /^minsheng: cannot open the ledger at postgres:\/\/postgres@[^ ]+: password authentication failed for user "postgres"$/);
    expect(denied.stderr).not.toContain('not-the-password');
    const noDatabase = new URL(url);
    noDatabase.pathname = '/no_such_database';
    expectRefusal(cli(['report', '--database-url', noDatabase.toString(), '--task', '1', '--metric', 'm', '--place', 'p', '--as-of', '2024-09-30', '--responsible-unit', 'u', '--value', '1']), 1, /database "no_such_database" does not exist$/);
    expectRefusal(cli(['status', '--database-url', 'mysql://localhost/x']), 2, /^minsheng: --database-url: it must be a postgres:\/\/ URL/);
  });

  it('picks the engine: --db and --database-url on the command line win over the environment; $MINSHENG_DB over $DATABASE_URL', async () => {
    const url = await pg.server().createDatabase('minsheng_pick');
    expect(json(cli(['init', '--database-url', url, '--json'], { MINSHENG_DB: '/nonexistent/ledger.db' })).where).toBe(shownUrl(url));
    expect(json(cli(['init', '--json'], { DATABASE_URL: url })).where).toBe(shownUrl(url));
    expectRefusal(cli(['status', '--db', '/nonexistent/ledger.db'], { DATABASE_URL: url }), 2, /^minsheng: no ledger at \/nonexistent\/ledger\.db/);
    expectRefusal(cli(['status'], { DATABASE_URL: url, MINSHENG_DB: '/nonexistent/ledger.db' }), 2, /^minsheng: no ledger at \/nonexistent\/ledger\.db/);
  });

  it('migrates a ledger of schema version 4 to 5: every event gets the Merkle leaf and nodes an append writes, with progress on stderr', async () => {
    // Today's ledger (schema 5), then the same events in a ledger built at schema 4.
    const current = await pg.server().createDatabase('minsheng_tree_now');
    expect(cli(['init', '--database-url', current]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, '--database-url', current]).code).toBe(0);
    const older = await pg.server().createDatabase('minsheng_tree_v4');
    const all = 'position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version';
    const rows = await withClient(current, async (c) => (await c.query(`SELECT ${all}, leaf, nodes FROM minsheng.events ORDER BY position`)).rows);
    const streams = await withClient(current, async (c) => (await c.query('SELECT stream, revision FROM minsheng.streams')).rows);
    const pool = new Pool({ connectionString: older, max: 1 });
    await migrate(pool, { schema: 'minsheng', target: 4 }).finally(() => pool.end());
    await withClient(older, async (c) => {
      for (const r of rows)
        await c.query(`INSERT INTO minsheng.events (${all}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
          r.position, r.stream, r.revision, r.event_id, r.type, r.schema_version, r.data, r.metadata, r.prev_hash, r.hash, r.stored_at, r.hash_version,
        ]);
      for (const r of streams) await c.query('INSERT INTO minsheng.streams (stream, revision) VALUES ($1, $2)', [r.stream, r.revision]);
    });
    expectRefusal(cli(['status', '--database-url', older]), 1, /schema version 4 and this build needs 5; run `minsheng migrate`/);
    const migrated = cli(['migrate', '--database-url', older]);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^migrated the event store \(schema minsheng\) at .*: schema version 4 → 5$/m);
    expect(migrated.stderr).toBe(`migrate: ${rows.length}/${rows.length} events (100%)\n`);
    const columns = await withClient(older, async (c) => (await c.query('SELECT leaf, nodes FROM minsheng.events ORDER BY position')).rows);
    expect(columns).toEqual(rows.map((r) => ({ leaf: r.leaf, nodes: r.nodes })));
    expect(cli(['verify', '--database-url', older]).code).toBe(0);
    // The read model migrate created is empty: rebuilt from the copied log, it knows the plan.
    expect(cli(['rebuild', '--database-url', older]).code).toBe(0);
    const report = cli(['report', '--database-url', older, '--task', '19', '--metric', 't19-dangerous-bridges', '--place', '巴彦县', '--value', '4', '--as-of', '2024-09-30', '--responsible-unit', '市交通运输局']);
    expect({ code: report.code, stderr: report.stderr }).toEqual({ code: 0, stderr: '' });
    const tree = await withClient(older, async (c) => (await c.query('SELECT max(size) AS size FROM minsheng.merkle_sizes')).rows[0].size);
    expect(Number(tree)).toBe(rows.length + 1);
    expect(cli(['verify', '--database-url', older]).code).toBe(0);
  });

  it('refuses a ledger written by a newer release in one line, exit 1, and migrate changes nothing there', async () => {
    const url = await pg.server().createDatabase('minsheng_newer');
    expect(cli(['init', '--database-url', url]).code).toBe(0);
    await withClient(url, (c) => c.query(`INSERT INTO minsheng.minsheng_migrations (version, name) VALUES (99, 'from the future')`));
    const newer = /^minsheng: the ledger in schema "minsheng" has schema version 99, written by a newer @minsheng\/store-postgres; .* Upgrade minsheng before opening this ledger/;
    expectRefusal(cli(['status', '--database-url', url]), 1, newer);
    expectRefusal(cli(['migrate', '--database-url', url]), 1, newer);
    await withClient(url, (c) => c.query('DELETE FROM minsheng.minsheng_migrations WHERE version = 99'));
    expect(cli(['migrate', '--database-url', url]).stdout).toBe(
      `the event store (schema minsheng) at ${shownUrl(url)} is at schema version 5 already; nothing to migrate\nthe read model minsheng_rm exists already\n`,
    );
  });

  it('demo stays SQLite-only: --database-url is refused in one line, $DATABASE_URL is not read', () => {
    expectRefusal(cli(['demo', '--database-url', pg.databaseUrl()]), 2, /^minsheng: the demo writes a fresh SQLite file, not a PostgreSQL ledger/);
    expect(cli(['demo', '--help'], { DATABASE_URL: pg.databaseUrl() }).stdout).toMatch(/SQLite only/);
  });

  it('rebuild --threads is refused in one line: reader threads are for SQLite', () => {
    expectRefusal(cli(['rebuild', '--threads', '2', '--database-url', pg.databaseUrl()]), 2, /^minsheng: --threads is for a SQLite ledger/);
  });
});
