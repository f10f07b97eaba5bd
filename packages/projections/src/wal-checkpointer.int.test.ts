import Database from 'better-sqlite3';
import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';

let dir: string;
let started: WalCheckpointer[] = [];
let opened: Database.Database[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minsheng-checkpointer-'));
});
afterEach(async () => {
  // A test that failed half-way leaves no thread running and no file open.
  await Promise.all(started.map((c) => c.finish()));
  for (const db of opened) if (db.open) db.close();
  started = [];
  opened = [];
  rmSync(dir, { recursive: true, force: true });
});
const checkpointing = (db: Database.Database, options?: WalCheckpointerOptions) => {
  const c = startWalCheckpointer(db, options);
  started.push(c);
  return c;
};

const open = (name: string) => {
  const db = new Database(join(dir, name));
  opened.push(db);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return db;
};
const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true }) as number;
const fill = (db: Database.Database, batches: number) => {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let b = 0; b < batches; b++) db.transaction(() => {
    for (let i = 0; i < 1000; i++) insert.run('x'.repeat(200));
  })();
};
const size = (file: string) => statSync(file).size;
/** Waits, up to 20 s, for `ok`; the checkpointing thread runs when the machine lets it. */
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

describe('the WAL checkpointing thread', () => {
  it('copies committed pages into the database file while the connection checkpoints itself four times less often', async () => {
    const db = open('ledger.db');
    const file = join(dir, 'ledger.db');
    const own = autocheckpoint(db);
    const before = size(file);
    const checkpointer = checkpointing(db, { startAt: 64 * 1024 });
    expect(autocheckpoint(db)).toBe(4 * own);
    fill(db, 10); // about 2.4 MB, far less than the 4 MB at which the connection would checkpoint
    checkpointer.afterCommit();
    // Only a checkpoint writes the database file of a WAL database: it grows once the thread ran one.
    expect(await until(() => size(file) > before)).toBe(true);
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(own);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(10_000);
    db.close();
  });

  it('starts no thread for a load that stays under the size at which it starts', async () => {
    const db = open('small.db');
    const file = join(dir, 'small.db');
    const before = size(file);
    const checkpointer = checkpointing(db);
    fill(db, 1);
    checkpointer.afterCommit();
    // A thread started by mistake would have copied the rows into the file by its last checkpoint.
    await checkpointer.finish();
    expect(size(file)).toBe(before);
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });

  it('has the connection checkpoint itself as before at once when the thread cannot open the file', async () => {
    const db = open('moved.db');
    // The connection keeps the file it opened; the thread finds nothing at the old name.
    renameSync(join(dir, 'moved.db'), join(dir, 'elsewhere.db'));
    const failures: string[] = [];
    const checkpointer = checkpointing(db, { startAt: 0, onFailure: (m) => failures.push(m) });
    expect(autocheckpoint(db)).toBe(4000);
    checkpointer.afterCommit();
    expect(await until(() => autocheckpoint(db) === 1000)).toBe(true);
    expect(failures).toEqual([expect.stringContaining(`the checkpointing thread cannot open ${join(dir, 'moved.db')}`)]);
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });

  it('keeps the WAL bounded by the connection\'s own checkpoints, with the thread or without it', async () => {
    for (const startAt of [Number.MAX_SAFE_INTEGER, 64 * 1024]) {
      const name = `bounded-${startAt}.db`;
      const db = open(name);
      // 25 pages: the connection checkpoints itself at 100 pages (400 KB) meanwhile.
      db.pragma('wal_autocheckpoint = 25');
      const checkpointer = checkpointing(db, { startAt });
      for (let i = 0; i < 40; i++) {
        fill(db, 1); // about 240 KB a commit, 9.6 MB in all
        checkpointer.afterCommit();
      }
      expect(size(join(dir, `${name}-wal`))).toBeLessThan(3 * 2 ** 20);
      await checkpointer.finish();
      expect(autocheckpoint(db)).toBe(25);
    }
  });

  it('leaves a connection that does not checkpoint itself as it is', async () => {
    const db = open('never.db');
    db.pragma('wal_autocheckpoint = 0');
    const checkpointer = checkpointing(db, { startAt: 0 });
    fill(db, 1);
    checkpointer.afterCommit();
    expect(autocheckpoint(db)).toBe(0);
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(0);
  });

  it('leaves a database in memory as it is', async () => {
    const db = new Database(':memory:');
    opened.push(db);
    const checkpointer = checkpointing(db, { startAt: 0 });
    expect(autocheckpoint(db)).toBe(1000);
    await checkpointer.finish();
    db.close();
  });

  it('keeps a connection that checkpoints at another size at that size', async () => {
    const db = open('own-size.db');
    db.pragma('wal_autocheckpoint = 250');
    const checkpointer = checkpointing(db, { startAt: 0 });
    expect(autocheckpoint(db)).toBe(1000);
    fill(db, 2);
    checkpointer.afterCommit();
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(250);
    db.close();
  });
});
