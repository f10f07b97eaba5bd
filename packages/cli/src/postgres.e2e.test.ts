// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { postgresLedger, shownUrl, withClient } from './testing/engines';
import { describeCliFlows, expectRefusal } from './testing/flows';
import { cli, json } from './testing/run-cli';

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

  it('refuses a ledger written by a newer release in one line, exit 1, and migrate changes nothing there', async () => {
    const url = await pg.server().createDatabase('minsheng_newer');
    expect(cli(['init', '--database-url', url]).code).toBe(0);
    await withClient(url, (c) => c.query(`INSERT INTO minsheng.minsheng_migrations (version, name) VALUES (99, 'from the future')`));
    const newer = /^minsheng: the ledger in schema "minsheng" has schema version 99, written by a newer @minsheng\/store-postgres; .* Upgrade minsheng before opening this ledger/;
    expectRefusal(cli(['status', '--database-url', url]), 1, newer);
    expectRefusal(cli(['migrate', '--database-url', url]), 1, newer);
    await withClient(url, (c) => c.query('DELETE FROM minsheng.minsheng_migrations WHERE version = 99'));
    expect(cli(['migrate', '--database-url', url]).stdout).toBe(
      `the event store (schema minsheng) at ${shownUrl(url)} is at schema version 4 already; nothing to migrate\nthe read model minsheng_rm exists already\n`,
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
