// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { migrate } from '@minsheng/store-postgres';
import { usePostgres } from '@minsheng/store-postgres/testing';
import { Pool } from 'pg';
import { postgresLedger, shownUrl, withClient } from './testing/engines';
import { describeCliFlows, expectRefusal } from './testing/flows';
import { cli, json, SEED, tempDir } from './testing/run-cli';
import { rechained } from '@minsheng/event-store/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

describe('checkpoints and proofs on PostgreSQL: the tree the store keeps (schema 5)', () => {
  const tmp = tempDir();
  const key = join(tmp.dir, 'harbin.key');
  const cps = join(tmp.dir, 'checkpoints');
  afterAll(() => tmp.remove());

  /** Changes task 1's first target in the event at `position` and recomputes every hash from there, as the tables' owner. */
  const rewriteHistory = (url: string, position: number) =>
    withClient(url, async (c) => {
      await c.query('BEGIN; ALTER TABLE minsheng.events DISABLE TRIGGER USER');
      const { rows } = await c.query(
        `SELECT position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash,
           to_char(stored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS stored_at
         FROM minsheng.events WHERE position >= $1 ORDER BY position`,
        [position],
      );
      const forged = rows.map((r) => {
        const data = JSON.parse(r.data) as Record<string, unknown>;
        if (Number(r.position) === position) (data['target'] as { value: string }).value = '37';
        return { ...r, position: Number(r.position), revision: Number(r.revision), storedAt: r.stored_at, eventId: r.event_id, schemaVersion: r.schema_version, data: JSON.stringify(data) };
      });
      for (const [i, l] of rechained(rows[0].prev_hash as string, forged).entries())
        await c.query('UPDATE minsheng.events SET data = $1, prev_hash = $2, hash = $3 WHERE position = $4', [forged[i]!.data, l.prevHash, l.hash, l.position]);
      await c.query('ALTER TABLE minsheng.events ENABLE TRIGGER USER; COMMIT');
    });

  it('keeps checkpoints and proves inclusion and consistency from the stored tree; a rewritten history is named by position', async () => {
    const url = await pg.server().createDatabase('minsheng_proofs');
    const at = ['--database-url', url];
    expect(cli(['init', ...at]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at]).code).toBe(0);
    expect(cli(['keys', 'new', 'harbin-ledger', '--out', key]).code).toBe(0);
    mkdirSync(cps);
    expect(cli(['checkpoint', '--key', key, '--out', cps, ...at]).stdout).toMatch(/^wrote a checkpoint of \d+ events to .*checkpoint-\d+\.txt\n$/);
    const r = cli(['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', '道里区', '--value', '120', '--as-of', '2024-09-30', '--responsible-unit', '市住建局', ...at]);
    expect(r.code).toBe(0);
    const eventId = /recorded report (\S+)/.exec(r.stdout)![1]!;
    expect(cli(['checkpoint', '--key', key, '--out', cps, ...at]).code).toBe(0);
    const [older, newer] = readdirSync(cps).map((f) => join(cps, f)).sort((a, b) => a.length - b.length || a.localeCompare(b));
    expect(cli(['verify', '--checkpoint', newer!, '--key', `${key}.pub`, ...at]).stdout).toMatch(/the log extends the checkpoint of .* signed by harbin-ledger/);
    const inclusion = cli(['prove', eventId, '--checkpoint', newer!, '--key', `${key}.pub`, ...at]);
    expect({ code: inclusion.code, stderr: inclusion.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli(['prove', '--from', older!, '--to', newer!, '--key', `${key}.pub`, ...at]).code).toBe(0);
    // The proof is the path the independent verifier checks against the exported log.
    writeFileSync(join(tmp.dir, 'inclusion.json'), inclusion.stdout);
    expect(cli(['export', '--events', '--out', join(tmp.dir, 'events.jsonl'), ...at]).code).toBe(0);
    const VERIFY = resolve(__dirname, '../../verify/dist/main.js');
    const yes = spawnSync(process.execPath, [VERIFY, '--key', `${key}.pub`, '--checkpoint', newer!, '--log', join(tmp.dir, 'events.jsonl'), '--proof', join(tmp.dir, 'inclusion.json')], { encoding: 'utf8' });
    expect(yes.stdout).toMatch(new RegExp(`yes: event ${eventId} \\(ProgressReported, position \\d+\\) is in the log`));

    await rewriteHistory(url, 3);
    expect(cli(['rebuild', ...at]).code).toBe(0);
    expect(cli(['verify', ...at]).code).toBe(0);
    const checked = cli(['verify', '--checkpoint', newer!, '--key', `${key}.pub`, ...at]);
    expect(checked.code).toBe(3);
    expect(checked.stderr.trimEnd().split('\n').pop()).toMatch(
      /^minsheng: event at position 3 \(\S+\) fails verification: it differs from the event the Merkle tree recorded when it was appended$/,
    );
  });
});
