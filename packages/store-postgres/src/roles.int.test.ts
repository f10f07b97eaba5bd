import { ledgerRegistry } from '@minsheng/core';
import { ANY, NO_STREAM, type EventStore } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { Client, escapeIdentifier, Pool } from 'pg';
import { migrate, PostgresSchemaError } from './migrations';
import { appendOnlyRoleSql, grantAppendOnly } from './roles';
import { createPostgresEventStore, openPostgresEventStore } from './store';
import { usePostgres } from './testing';

/*
 * The production setup: an owner role that migrates (and owns the tables), and an
 * application role that may only read and append. Both are ordinary roles, not superusers.
 */

const pg = usePostgres();
const SCHEMA = 'ledger';
// Roles belong to the whole server, which $DATABASE_URL may share with other runs.
const suffix = Math.random().toString(36).slice(2, 8);
const OWNER = `ledger_owner_${suffix}`;
const APP = `ledger_app_${suffix}`;
const asRole = (role: string) => {
  const u = new URL(pg.databaseUrl());
  u.username = role;
  u.password = `${role}-secret`;
  return u.toString();
};

let admin: Client;
let owner: Pool;
let app: Pool;
let appStore: EventStore;
const fastAppends: string[] = [];

const query = (db: Pool | Client, sql: string) => db.query(sql).then(
  () => 'ok',
  (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
);

describe('append-only roles', () => {
  beforeAll(async () => {
    admin = new Client({ connectionString: pg.databaseUrl() });
    await admin.connect();
    const database = escapeIdentifier(new URL(pg.databaseUrl()).pathname.slice(1));
    for (const role of [OWNER, APP]) {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}-secret'`);
    }
    await admin.query(`GRANT CREATE ON DATABASE ${database} TO ${OWNER}`);

    owner = new Pool({ connectionString: asRole(OWNER), max: 2 });
    await migrate(owner, { schema: SCHEMA });
    await grantAppendOnly(owner, APP, { schema: SCHEMA });
    app = new Pool({ connectionString: asRole(APP), max: 2 });
    appStore = await openPostgresEventStore(
      { pool: app, registry: ledgerRegistry, schema: SCHEMA, migrate: false },
      { fastAppend: (outcome) => void fastAppends.push(outcome) },
    );
    await ok(appStore.append('progress-7-daoli', makeTestEvents(3), NO_STREAM));
  });

  afterAll(async () => {
    await appStore?.close();
    await app?.end();
    await owner?.end();
    for (const role of [APP, OWNER]) {
      await admin.query(`DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    }
    await admin?.end();
  });

  it('lets the application role open the ledger, append and read', async () => {
    expect(await ok(appStore.append('progress-7-daoli', makeTestEvents(2), 2))).toMatchObject({ nextRevision: 4 });
    // The second append is the fast one (one statement, the lock taken inside it): its grants suffice.
    expect(fastAppends).toEqual(['hit']);
    expect(await ok(appStore.readStream('progress-7-daoli'))).toHaveLength(5);
    // Opening with the default migrate: true only reads the version of a current schema.
    const again = await createPostgresEventStore({ pool: app, registry: ledgerRegistry, schema: SCHEMA });
    expect(await ok(again.append('progress-7-nangang', makeTestEvents(1), ANY))).toMatchObject({ alreadyStored: false });
    await again.close();
  });

  it.each([
    ['UPDATE', `UPDATE "${SCHEMA}".events SET data = '{}' WHERE position = 1`],
    ['DELETE', `DELETE FROM "${SCHEMA}".events WHERE position = 1`],
    ['TRUNCATE', `TRUNCATE "${SCHEMA}".events`],
    ['disabling the trigger', `ALTER TABLE "${SCHEMA}".events DISABLE TRIGGER events_append_only`],
    ['dropping the table', `DROP TABLE "${SCHEMA}".events`],
    ['rewriting the migrations', `DELETE FROM "${SCHEMA}".minsheng_migrations`],
  ])('refuses the application role %s', async (_what, sql) => {
    expect(await query(app, sql)).toMatch(/^42501: (permission denied|must be owner)/);
  });

  it.each([
    ['UPDATE', `UPDATE "${SCHEMA}".events SET data = '{}' WHERE position = 1`, 'UPDATE'],
    ['an UPDATE that matches no row', `UPDATE "${SCHEMA}".events SET data = '{}' WHERE false`, 'UPDATE'],
    ['DELETE', `DELETE FROM "${SCHEMA}".events`, 'DELETE'],
    ['TRUNCATE', `TRUNCATE "${SCHEMA}".events`, 'TRUNCATE'],
  ])('refuses even the owner %s, through the trigger', async (_what, sql, op) => {
    expect(await query(owner, sql)).toBe(`P0001: events are append-only: ${op} on ${SCHEMA}.events is refused`);
    expect(await query(admin, sql)).toBe(`P0001: events are append-only: ${op} on ${SCHEMA}.events is refused`);
  });

  it('leaves every event in place after all those attempts', async () => {
    const { rows } = await admin.query(`SELECT count(*)::int AS n, max(position)::int AS head FROM "${SCHEMA}".events`);
    expect(rows[0]).toEqual({ n: rows[0].head, head: expect.any(Number) });
    expect(rows[0].n).toBeGreaterThanOrEqual(5);
  });

  it('refuses the application role a schema that needs migrating, naming the command', async () => {
    await expect(createPostgresEventStore({ pool: app, registry: ledgerRegistry, schema: 'not_yet', migrate: false })).rejects.toBeInstanceOf(
      PostgresSchemaError,
    );
  });

  it('quotes the role name in the grants', () => {
    const sql = appendOnlyRoleSql('ledger "app"', { schema: 'ledger' });
    expect(sql).toContain('GRANT SELECT, INSERT ON "ledger".events TO "ledger ""app"""');
    expect(sql.join('\n')).not.toMatch(/GRANT[^\n]*(UPDATE|DELETE|TRUNCATE)[^\n]*events/);
  });
});
