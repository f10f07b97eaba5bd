import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReadModelContract } from '../testing';
import { createSqliteReadModel, ReadModelVersionError, type SqliteReadModel } from './sqlite';

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
    expect(() => createSqliteReadModel({ file })).toThrow(/schema version 99, newer than this library's 1/);
  });

  it('refuses a malformed table prefix', () => {
    expect(() => createSqliteReadModel({ file: ':memory:', prefix: 'x; DROP TABLE' })).toThrow(/prefix/);
  });
});
