import { canonicalContentV2, canonicalEvent, linkHash, newEventId } from '@minsheng/core';
import { spawnSync } from 'node:child_process';
import { withClient } from './engines';
import { JAN, OCT1, OCT5, OCT6, type LedgerUnderTest } from './flows';
import { cli, json, MAIN, openSqlite, SEED, TEST_LANG, type CliResult } from './run-cli';

/*
 * The ledger's integrity checks, run as processes on a ledger damaged behind the library as an
 * intruder (or a failing disk) would: one SQL statement against the events or the read model,
 * with the append-only triggers off where the statement needs it (as the tables' owner can).
 * Every case runs unchanged on a SQLite file and a PostgreSQL database.
 */

/** SQL against a ledger named by its CLI options; `{events}` and `{figures}` name its tables. */
interface Sql {
  query(text: string): Promise<Record<string, unknown>[]>;
  /** Runs `text` with the events table's triggers off (they are back on after). */
  asOwner(text: string): Promise<void>;
}

const sqlite = (file: string): Sql => {
  const names = (t: string) => t.replace(/\{events\}/g, 'events').replace(/\{figures\}/g, 'rm_figures');
  return {
    query: async (text) => {
      const db = openSqlite(file);
      try {
        const statement = db.prepare(names(text));
        return statement.reader ? statement.all() : (statement.run(), []);
      } finally {
        db.close();
      }
    },
    asOwner: async (text) => {
      const db = openSqlite(file);
      try {
        db.transaction(() => {
          const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'`).all();
          for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
          db.exec(names(text));
          for (const t of triggers) db.exec(t.sql);
        })();
      } finally {
        db.close();
      }
    },
  };
};

const postgres = (url: string): Sql => {
  const names = (t: string) => t.replace(/\{events\}/g, 'minsheng.events').replace(/\{figures\}/g, 'minsheng_rm.figures');
  return {
    query: (text) => withClient(url, async (c) => (await c.query(names(text))).rows),
    asOwner: (text) =>
      withClient(url, async (c) => {
        await c.query('BEGIN');
        await c.query('ALTER TABLE minsheng.events DISABLE TRIGGER USER');
        await c.query(names(text));
        await c.query('ALTER TABLE minsheng.events ENABLE TRIGGER USER');
        await c.query('COMMIT');
      }),
  };
};

const sqlOf = (args: readonly string[]): Sql => (args[0] === '--db' ? sqlite(args[1]!) : postgres(args[1]!));

/** A SQL string literal. */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

const BRIDGES = ['--task', '19', '--metric', 't19-dangerous-bridges'];

/** Refused for the ledger's integrity: exit 3, nothing on stdout, the reason as the last line on stderr (after any progress lines). */
const expectIntegrityRefusal = (r: CliResult, line: RegExp): void => {
  expect(r.code).toBe(3);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('minsheng: '))).toHaveLength(1);
  expect(lines[lines.length - 1]).toMatch(line);
};

/** The worker run as a process until it exits by itself (at most a minute). */
const worker = (args: readonly string[]): CliResult => {
  const base: NodeJS.ProcessEnv = { ...process.env, ...TEST_LANG };
  for (const k of ['MINSHENG_DB', 'MINSHENG_NOW', 'DATABASE_URL']) delete base[k];
  const r = spawnSync(process.execPath, [MAIN, 'worker', '--poll-ms', '50', ...args], { env: base, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

export const describeIntegrityFlows = (engine: LedgerUnderTest): void =>
  describe(`minsheng's integrity checks, on a ${engine.name} ledger damaged behind the library`, () => {
    beforeAll(() => engine.setup());
    afterAll(() => engine.teardown());

    /** A new ledger with the plan and two bridge reports (巴彦县 4 座, 木兰县 4 座): its options, SQL, and head. */
    const ledger = async () => {
      const { args } = await engine.fresh();
      const run = (more: string[], now?: string) => cli([...more, ...args, ...(now ? ['--now', now] : [])]);
      expect(run(['init', '--simulated'], JAN).code).toBe(0);
      expect(run(['plan', 'import', SEED], JAN).code).toBe(0);
      for (const place of ['巴彦县', '木兰县'])
        expect(run(['report', ...BRIDGES, '--place', place, '--value', '4', '--as-of', '2024-09-30', '--responsible-unit', 'transport'], OCT1).code).toBe(0);
      const sql = sqlOf(args);
      const head = async (): Promise<number> => Number((await sql.query(`SELECT max(position) AS n FROM {events}`))[0]!['n']);
      return { args, run, sql, head, bridges: () => json(run(['status', '--json'], OCT6)).rows.find((r: any) => r.metric === 't19-dangerous-bridges') };
    };

    it('refuses to serve, rebuild, audit, report on or work past an event inserted at the head with a bad hash (status, rebuild, audit, report, worker; exit 3)', async () => {
      const l = await ledger();
      expect(l.bridges()).toMatchObject({ value: '8', percent: '40' });
      const head = await l.head();
      // The insert trigger checks the position and the link, not the event's own hash: a copy of the
      // last report, 29 座 instead of 4, linked to the head, passes it.
      await l.sql.query(`INSERT INTO {events} (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
        SELECT position + 1, ${lit(newEventId())}, stream, revision + 1, type, schema_version, replace(data, '"value":"4"', '"value":"29"'), metadata,
               hash, ${lit('f'.repeat(64))}, stored_at, hash_version FROM {events} ORDER BY position DESC LIMIT 1`);
      const broken = new RegExp(`^minsheng: the log's hash chain is broken at position ${head + 1} \\([0-9A-Z]{26}\\): stored hash does not match the event's content; nothing is read past it \\(run \`minsheng verify\`\\)$`);
      expectIntegrityRefusal(l.run(['status'], OCT6), broken);
      expectIntegrityRefusal(l.run(['audit', ...BRIDGES], OCT6), broken);
      expectIntegrityRefusal(l.run(['rebuild']), broken);
      expectIntegrityRefusal(l.run(['report', ...BRIDGES, '--place', '通河县', '--value', '9', '--as-of', '2024-09-30', '--responsible-unit', 'transport'], OCT6), broken);
      expect(await l.head()).toBe(head + 1);
      const w = worker(l.args);
      expect(w.code).toBe(3);
      expect(w.stderr).toMatch(/minsheng: the log's hash chain is broken at position \d+ .*stored hash does not match the event's content/);
      expect(l.run(['verify']).code).toBe(3);
    });

    it('audits from the events: a read-model row changed by SQL shows as a READ-MODEL FAULT with the true figure (exit 3)', async () => {
      const l = await ledger();
      const [row] = await l.sql.query(`SELECT event_id FROM {figures} WHERE figure LIKE '%"value":"4"%' ORDER BY position LIMIT 1`);
      await l.sql.query(`UPDATE {figures} SET figure = replace(figure, '"value":"4"', '"value":"53"') WHERE event_id = ${lit(row!['event_id'] as string)}`);
      expect(l.bridges()).toMatchObject({ value: '57' });

      const text = l.run(['audit', ...BRIDGES], OCT6);
      expect(text.code).toBe(3);
      expect(text.stdout).toMatch(/^Figure: 哈尔滨市 57 座 /m);
      expect(text.stdout).toMatch(/^READ-MODEL FAULT: #\d+: the read model has the figure 53 座, the event says 4 座$/m);
      expect(text.stdout).toMatch(/^READ-MODEL FAULT: the read model shows 57, the events give 8$/m);
      expect(text.stdout).toMatch(/^Replay: the events give 8; DOES NOT MATCH the figure shown \(57\)\.$/m);
      expect(text.stderr.trimEnd()).toBe(
        'minsheng: the read model does not match the events behind this figure (2 READ-MODEL FAULTS; the events give 8, the read model shows 57): run `minsheng rebuild`',
      );
      const trail = JSON.parse(l.run(['audit', ...BRIDGES, '--json'], OCT6).stdout);
      expect(trail.replay).toEqual({ value: '8', matches: false });
      expect(trail.entries.map((e: any) => e.value)).toEqual(['4', '4']);

      expect(l.run(['rebuild']).code).toBe(0);
      const healed = l.run(['audit', ...BRIDGES], OCT6);
      expect(healed.code).toBe(0);
      expect(healed.stdout).not.toContain('READ-MODEL FAULT');
      expect(healed.stdout).toMatch(/^Replay: the events give 8; matches the figure shown\.$/m);
    });

    it('verify names an event whose content fails its schema though its hash is valid (exit 3)', async () => {
      const l = await ledger();
      const [last] = await l.sql.query(`SELECT position, hash, stored_at AS "storedAt" FROM {events} ORDER BY position DESC LIMIT 1`);
      const position = Number(last!['position']) + 1;
      const storedAt = new Date(last!['storedAt'] as string).toISOString();
      const e = canonicalEvent({
        eventId: newEventId(),
        type: 'ProgressReported',
        schemaVersion: 2,
        data: { planId: 'harbin-2024', task: 'nineteen' },
        metadata: { actor: { unit: 'transport' }, recordedAt: storedAt, correlationId: 'c' },
      });
      const stream = 'progress-forged';
      const hash = linkHash(last!['hash'] as string, canonicalContentV2(stream, 0, position, storedAt, e));
      await l.sql.query(`INSERT INTO {events} (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
        VALUES (${position}, ${lit(e.eventId)}, ${lit(stream)}, 0, 'ProgressReported', 2, ${lit(e.data)}, ${lit(e.metadata)}, ${lit(last!['hash'] as string)}, ${lit(hash)}, ${lit(storedAt)}, 2)`);
      expectIntegrityRefusal(
        l.run(['verify']),
        new RegExp(`^minsheng: event at position ${position} \\(${e.eventId}\\) fails verification: its content fails its schema: .*data\\.`),
      );
    });

    it('a read model past the log (its last rows deleted) refuses to serve, and one whose events were replaced too; rebuild heals it (exit 3)', async () => {
      const l = await ledger();
      const head = await l.head();
      await l.sql.asOwner(`DELETE FROM {events} WHERE position > ${head - 2}`);
      const ahead = new RegExp(`has applied events up to position ${head} but the log ends at ${head - 2}: events it applied are no longer in the log; it refuses to serve until rebuilt from the log`);
      expectIntegrityRefusal(l.run(['status'], OCT6), ahead);
      expectIntegrityRefusal(l.run(['status', '--no-project'], OCT6), ahead);
      expectIntegrityRefusal(l.run(['verify']), ahead);
      const status = l.run(['worker', '--status']);
      expect(status.code).toBe(3);
      expect(status.stderr).toMatch(ahead);

      // The store keeps a Merkle tree beside the log (issue 16; PostgreSQL since its schema 5):
      // its recorded size still covers the deleted events, so nothing is appended onto the cut
      // log and no new report can take their positions; the deletion stays visible.
      expectIntegrityRefusal(
        l.run(['report', ...BRIDGES, '--place', '通河县', '--value', '5', '--as-of', '2024-10-01', '--responsible-unit', 'transport', '--no-project'], OCT5),
        new RegExp(`the Merkle tree covers ${head} events but the log holds ${head - 2}`),
      );
      expect(await l.head()).toBe(head - 2);
    });

    it('positions renumbered with a gap fail verify and every checked read (exit 3)', async () => {
      const l = await ledger();
      const head = await l.head();
      await l.sql.asOwner(`UPDATE {events} SET position = position + 1000 WHERE position > ${head - 2}`);
      expectIntegrityRefusal(l.run(['verify']), new RegExp(`^minsheng: event at position ${head + 999} \\([0-9A-Z]{26}\\) fails verification: position ${head + 999} does not follow ${head - 2}$`));
      expectIntegrityRefusal(l.run(['status'], OCT6), new RegExp(`hash chain is broken at position ${head + 999} .*: position ${head + 999} does not follow ${head - 1}`));
    });
  });
