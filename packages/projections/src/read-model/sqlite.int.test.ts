import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReadModelContract } from '../testing';
import { createSqliteReadModel, ReadModelVersionError, type SqliteReadModel } from './sqlite';
import { READ_MODEL_PAGE_SIZE, READ_MODEL_SCHEMA_VERSION } from './sqlite-schema';

const dir = mkdtempSync(join(tmpdir(), 'minsheng-rm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const pragma = (db: Database.Database, name: string) => db.pragma(name, { simple: true });

const files = new WeakMap<object, string>();
runReadModelContract('SQLite file', {
  create: async () => {
    const file = join(dir, `rm-${++n}.db`);
    const rm = createSqliteReadModel({ file });
    files.set(rm, file);
    return rm;
  },
  dispose: async (m) => (m as SqliteReadModel).close(),
  inForce: async (m) => {
    const file = files.get(m)!;
    const reference = createSqliteReadModel({ file, inForceRows: false });
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT plan_id AS plan, metric, place, in_force_position AS position FROM rm_pairs ORDER BY id`);
    return {
      rows: async () => rows.all() as { plan: string; metric: string; place: string; position: number | null }[],
      reference: reference.reader,
      close: async () => {
        db.close();
        reference.close();
      },
    };
  },
});

runReadModelContract('SQLite, a second version beside the first (prefix rm2_)', {
  create: async () => {
    const file = join(dir, `rm-${++n}.db`);
    createSqliteReadModel({ file }).close();
    return createSqliteReadModel({ file, prefix: 'rm2_' });
  },
  dispose: async (m) => (m as SqliteReadModel).close(),
});

describe('SQLite read model', () => {
  it('refuses a file whose read model is newer than this library', () => {
    const file = join(dir, 'newer.db');
    createSqliteReadModel({ file }).close();
    const db = new Database(file);
    db.prepare(`UPDATE rm_meta SET value = '99' WHERE key = 'schema_version'`).run();
    db.close();
    expect(() => createSqliteReadModel({ file })).toThrow(ReadModelVersionError);
    expect(() => createSqliteReadModel({ file })).toThrow(
      new RegExp(`schema version 99, newer than this library's ${READ_MODEL_SCHEMA_VERSION}`),
    );
  });

  // Version 1 keyed figures by text; its checkpoint says 7 events were applied.
  const writeVersion1 = (db: Database.Database, prefix: string) =>
    db.exec(
      `CREATE TABLE ${prefix}meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
       INSERT INTO ${prefix}meta VALUES ('schema_version', '1');
       CREATE TABLE ${prefix}checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL);
       INSERT INTO ${prefix}checkpoints VALUES ('ledger-index', 7, '2024-01-01T00:00:00Z');
       CREATE TABLE ${prefix}pairs (plan_id TEXT NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL, first_recorded_at INTEGER NOT NULL,
         PRIMARY KEY (plan_id, metric, place));
       INSERT INTO ${prefix}pairs VALUES ('p', 'm', 'daoli', 0);
       CREATE TABLE ${prefix}figures (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
         report_id TEXT NOT NULL, report_position INTEGER NOT NULL, plan_id TEXT NOT NULL, task INTEGER NOT NULL, metric TEXT NOT NULL,
         place TEXT NOT NULL, as_of TEXT NOT NULL, recorded_at INTEGER NOT NULL, figure TEXT NOT NULL,
         unit TEXT, person TEXT, source TEXT, reason TEXT, hash TEXT NOT NULL);
       CREATE INDEX ${prefix}figures_lookup ON ${prefix}figures (plan_id, metric, place, as_of, report_position);
       INSERT INTO ${prefix}figures VALUES (3, 'e3', 'report', 'e3', 3, 'p', 1, 'm', 'daoli', '2024-03-01', 0, '{}', NULL, NULL, NULL, NULL, 'h');`,
    );

  it.each(['rm_', 'rm_v2_'])('drops a read model (prefix %s) of an older schema and starts it again from position 0, leaving other tables alone', async (prefix) => {
    const file = join(dir, `older-${prefix}.db`);
    const db = new Database(file);
    writeVersion1(db, prefix);
    db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY); INSERT INTO events VALUES (1);');
    if (prefix !== 'rm_') writeVersion1(db, 'rm_');
    db.close();
    const m = createSqliteReadModel({ file, prefix });
    expect(await m.reader.checkpoint()).toBe(0);
    m.close();
    const after = new Database(file, { readonly: true });
    const one = (sql: string) => after.prepare(sql).pluck().get();
    expect(one(`SELECT value FROM ${prefix}meta WHERE key = 'schema_version'`)).toBe(String(READ_MODEL_SCHEMA_VERSION));
    expect(one(`SELECT count(*) FROM ${prefix}pairs`)).toBe(0);
    expect(one(`SELECT count(*) FROM ${prefix}figures`)).toBe(0);
    expect(one(`SELECT name FROM pragma_table_info('${prefix}pairs') WHERE name = 'id'`)).toBe('id');
    expect(one(`SELECT sql FROM sqlite_master WHERE name = '${prefix}figures_lookup'`)).toMatch(/\(pair, as_of, report_position\)/);
    expect(one(`SELECT count(*) FROM events`)).toBe(1);
    // Another version in the same file is not touched.
    if (prefix !== 'rm_') expect(one(`SELECT value FROM rm_meta WHERE key = 'schema_version'`)).toBe('1');
    after.close();
  });

  it('refuses figure rows from a process of the older release still running after the upgrade', () => {
    const file = join(dir, 'old-writer.db');
    createSqliteReadModel({ file }).close();
    const db = new Database(file);
    // The statement version 1 ran for a report (prepared as it would be again after the upgrade).
    const v1 = () => db.prepare(
      `INSERT INTO rm_figures (position, event_id, kind, report_id, report_position, plan_id, task, metric, place, as_of,
         recorded_at, figure, unit, person, source, reason, hash)
       VALUES (3, 'e3', 'report', 'e3', 3, 'p', 1, 'm', 'daoli', '2024-03-01', 0, '{}', NULL, NULL, NULL, NULL, 'h')`,
    ).run();
    expect(v1).toThrow(/table rm_figures has no column named plan_id/);
    db.close();
  });

  it('refuses a malformed table prefix', () => {
    expect(() => createSqliteReadModel({ file: ':memory:', prefix: 'x; DROP TABLE' })).toThrow(/prefix/);
  });

  describe('pages and checkpoints', () => {
    const ofFile = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return pragma(db, 'page_size');
      } finally {
        db.close();
      }
    };

    it('gives a file of its own 16 KB pages, and checkpoints at about 4 MB of WAL (250 pages), its rows kept when opened again', async () => {
      const file = join(dir, 'own-pages.db');
      const m = createSqliteReadModel({ file });
      const data = JSON.stringify({ text: 'x'.repeat(10_000) });
      try {
        // About 8 MB of rows, 100 KB a commit: at 1,000 pages of 16 KB (SQLite's default) the WAL
        // would hold them all; at 4 MB it starts again from its beginning.
        for (let i = 0; i < 80; i++) {
          const rows = Array.from({ length: 10 }, (_, k) => {
            const position = i * 10 + k + 1;
            return { table: 'plans' as const, row: { position, event_id: `e${position}`, recorded_at: 0, hash: 'h', plan_id: `p${position}`, data } };
          });
          expect(await m.writer.applyRows('ledger-index', i * 10, i * 10 + 10, rows)).toBe('applied');
        }
        expect(READ_MODEL_PAGE_SIZE).toBe(16_384);
        expect(ofFile(file)).toBe(16_384);
        const wal = statSync(`${file}-wal`).size;
        expect(wal).toBeGreaterThan(2 * 1024 * 1024);
        expect(wal).toBeLessThan(6 * 1024 * 1024);
      } finally {
        m.close();
      }
      const again = createSqliteReadModel({ file });
      try {
        expect(await again.reader.checkpoint('ledger-index')).toBe(800);
        expect((await again.reader.planIds()).length).toBe(800);
      } finally {
        again.close();
      }
    });

    it('leaves the pages of a file that exists as they are: the ledger file the event store made, or a read model of an older release', async () => {
      const file = join(dir, 'existing-pages.db');
      const made = new Database(file);
      made.pragma('journal_mode = WAL');
      made.exec('CREATE TABLE events (position INTEGER PRIMARY KEY)');
      made.close();
      const m = createSqliteReadModel({ file });
      m.close();
      expect(ofFile(file)).toBe(4096);
      // A connection it was given: its pages and its checkpoints are the caller's.
      const given = new Database(join(dir, 'given-pages.db'));
      given.pragma('wal_autocheckpoint = 300');
      const g = createSqliteReadModel({ db: given });
      try {
        expect(pragma(given, 'page_size')).toBe(4096);
        expect(pragma(given, 'wal_autocheckpoint')).toBe(300);
      } finally {
        g.close();
        given.close();
      }
    });

    it('takes another page size for a file it creates, and refuses one SQLite does not have, creating nothing', () => {
      const file = join(dir, 'asked-pages.db');
      createSqliteReadModel({ file, pageSize: 4096 }).close();
      expect(ofFile(file)).toBe(4096);
      for (const pageSize of [1000, 256, 131_072, 1.5, Number.NaN]) {
        const refused = join(dir, `refused-${String(pageSize)}.db`);
        expect(() => createSqliteReadModel({ file: refused, pageSize })).toThrow(
          `read-model pageSize must be a power of two from 512 to 65536, not ${String(pageSize)}`,
        );
        expect(existsSync(refused)).toBe(false);
      }
    });
  });

  describe('a bulk load', () => {
    const autocheckpoint = (db: Database.Database) => pragma(db, 'wal_autocheckpoint');

    it('has the connection checkpoint itself as before when the load fails', async () => {
      const db = new Database(join(dir, 'bulk-failing.db'));
      const m = createSqliteReadModel({ db });
      try {
        await expect(
          m.writer.withBulkLoad!(async () => {
            expect(autocheckpoint(db)).toBe(4000);
            throw new Error('disk full');
          }, { fromZero: true }),
        ).rejects.toThrow('disk full');
        expect(autocheckpoint(db)).toBe(1000);
      } finally {
        m.close();
        db.close();
      }
    });

    it('leaves the checkpoints to the bulk load already running on the same connection, from another read model too', async () => {
      const db = new Database(join(dir, 'bulk-shared.db'));
      db.pragma('wal_autocheckpoint = 300');
      const a = createSqliteReadModel({ db });
      const b = createSqliteReadModel({ db, prefix: 'rm2_' });
      try {
        const seen: unknown[] = [];
        let second: Promise<unknown> = Promise.resolve();
        await a.writer.withBulkLoad!(async () => {
          seen.push(autocheckpoint(db));
          await b.writer.withBulkLoad!(async () => seen.push(autocheckpoint(db)), { fromZero: false });
          seen.push(autocheckpoint(db));
          // One that starts while the first ends, and ends after it.
          second = b.writer.withBulkLoad!(async () => {
            await new Promise((r) => setTimeout(r, 50));
            seen.push(autocheckpoint(db));
          }, { fromZero: false });
        }, { fromZero: false });
        await second;
        expect(seen).toEqual([1200, 1200, 1200, 300]);
        expect(autocheckpoint(db)).toBe(300);
      } finally {
        a.close();
        b.close();
        db.close();
      }
    });
  });
});
