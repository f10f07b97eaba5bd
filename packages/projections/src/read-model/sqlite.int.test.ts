import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReadModelContract } from '../testing';
import { createSqliteReadModel, ReadModelVersionError, type SqliteReadModel } from './sqlite';
import { READ_MODEL_SCHEMA_VERSION } from './sqlite-schema';

const dir = mkdtempSync(join(tmpdir(), 'minsheng-rm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runReadModelContract('SQLite file', {
  create: async () => createSqliteReadModel({ file: join(dir, `rm-${++n}.db`) }),
  dispose: async (m) => (m as SqliteReadModel).close(),
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

  it('drops a read model of an older schema and starts it again from position 0, leaving other tables alone', async () => {
    const file = join(dir, 'older.db');
    const db = new Database(file);
    // Version 1 keyed figures by text; a checkpoint says 7 events were applied.
    db.exec(`
      CREATE TABLE rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO rm_meta VALUES ('schema_version', '1');
      CREATE TABLE rm_checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL);
      INSERT INTO rm_checkpoints VALUES ('ledger-index', 7, '2024-01-01T00:00:00Z');
      CREATE TABLE rm_pairs (plan_id TEXT NOT NULL, metric TEXT NOT NULL, place TEXT NOT NULL, first_recorded_at INTEGER NOT NULL,
        PRIMARY KEY (plan_id, metric, place));
      INSERT INTO rm_pairs VALUES ('p', 'm', 'daoli', 0);
      CREATE TABLE events (position INTEGER PRIMARY KEY);
      INSERT INTO events VALUES (1);`);
    db.close();
    const m = createSqliteReadModel({ file });
    expect(await m.reader.checkpoint()).toBe(0);
    m.close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT value FROM rm_meta WHERE key = 'schema_version'`).pluck().get()).toBe(String(READ_MODEL_SCHEMA_VERSION));
    expect(after.prepare(`SELECT count(*) FROM rm_pairs`).pluck().get()).toBe(0);
    expect(after.prepare(`SELECT name FROM pragma_table_info('rm_pairs') WHERE name = 'id'`).pluck().get()).toBe('id');
    expect(after.prepare(`SELECT count(*) FROM events`).pluck().get()).toBe(1);
    after.close();
  });

  it('refuses a malformed table prefix', () => {
    expect(() => createSqliteReadModel({ file: ':memory:', prefix: 'x; DROP TABLE' })).toThrow(/prefix/);
  });
});
