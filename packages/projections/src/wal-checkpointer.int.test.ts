import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
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
    const checkpointer = checkpointing(db);
    expect(autocheckpoint(db)).toBe(4 * own);
    fill(db, 10); // about 2.4 MB, far less than the 4 MB at which the connection would checkpoint
    checkpointer.afterCommit();
    // Only a checkpoint writes the database file of a WAL database: it grows once the thread ran one.
    expect(await until(() => size(file) > before)).toBe(true);
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(own);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(10_000);
  });

  it('copies everything committed by the end of finish()', async () => {
    const db = open('last.db');
    const checkpointer = checkpointing(db, { everyMs: 60_000 }); // no checkpoint but the last
    checkpointer.afterCommit();
    fill(db, 3);
    await checkpointer.finish();
    // A checkpoint that copied all of the log: a new write starts it again, so the WAL file stays as it is.
    const wal = size(join(dir, 'last.db-wal'));
    fill(db, 1);
    expect(size(join(dir, 'last.db-wal'))).toBe(wal);
  });

  it('has closed its own connection when finish() returns: the caller closing next is the last, and the WAL goes', async () => {
    const db = open('closing.db');
    const checkpointer = checkpointing(db);
    fill(db, 2);
    checkpointer.afterCommit();
    fill(db, 2);
    await checkpointer.finish();
    db.close();
    expect(existsSync(join(dir, 'closing.db-wal'))).toBe(false);
    const again = new Database(join(dir, 'closing.db'), { readonly: true });
    try {
      expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(4000);
    } finally {
      again.close();
    }
  });

  it('has the connection checkpoint itself as before at once when the thread cannot open the file', async () => {
    const db = open('moved.db');
    // The connection keeps the file it opened; the thread finds nothing at the old name.
    renameSync(join(dir, 'moved.db'), join(dir, 'elsewhere.db'));
    const failures: string[] = [];
    const checkpointer = checkpointing(db, { onFailure: (m) => failures.push(m) });
    expect(autocheckpoint(db)).toBe(4000);
    checkpointer.afterCommit();
    expect(await until(() => autocheckpoint(db) === 1000)).toBe(true);
    expect(failures).toEqual([expect.stringContaining(`the checkpointing thread cannot open ${join(realpathSync(dir), 'moved.db')}`)]);
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(1000);
  });

  it('keeps the WAL bounded by the connection\'s own checkpoints while the thread runs', async () => {
    const db = open('bounded.db');
    // 25 pages: the connection checkpoints itself at 100 pages (400 KB) meanwhile.
    db.pragma('wal_autocheckpoint = 25');
    const failures: string[] = [];
    const checkpointer = checkpointing(db, { onFailure: (m) => failures.push(m) });
    for (let i = 0; i < 40; i++) {
      fill(db, 1); // about 240 KB a commit, 9.6 MB in all
      checkpointer.afterCommit();
    }
    const wal = join(dir, 'bounded.db-wal');
    // The WAL file keeps the size of the longest log it held. The connection's own checkpoints keep
    // the log near 400 KB; one that finds the thread checkpointing is skipped, and on a loaded
    // machine (the thread's checkpoints slowed) they can keep finding it so: then the thread stops
    // once the file passes the 800 KB limit, and the log starts again once the thread's last
    // checkpoint is done, a few commits later at most.
    const held = size(wal);
    if (failures.length === 0) expect(held).toBeLessThan(1.2 * 2 ** 20); // 800 KB and a commit more
    else {
      expect(failures).toEqual([expect.stringMatching(/grew to \d+ bytes during a bulk load; the connection checkpoints it itself again$/)]);
      // Stopped at most a commit past the limit, and far from holding the whole load.
      expect(Number(/grew to (\d+) bytes/.exec(failures[0]!)![1])).toBeLessThan(1.2 * 2 ** 20);
      expect(held).toBeLessThan(4 * 2 ** 20);
    }
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(25);
    // From then on the connection checkpoints after every commit, and the log starts again each time.
    fill(db, 10);
    expect(size(wal)).toBe(held);
  });

  it('stops the thread and has the connection checkpoint itself once the WAL file grows to eight times its own size', async () => {
    const db = open('held.db');
    // A reader holding its snapshot: no checkpoint can copy past it, so the WAL never starts again.
    const reader = new Database(join(dir, 'held.db'));
    opened.push(reader);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    db.pragma('wal_autocheckpoint = 25'); // the thread stops at 8 × 25 pages: 800 KB
    const failures: string[] = [];
    const checkpointer = checkpointing(db, { onFailure: (m) => failures.push(m) });
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      fill(db, 1); // about 240 KB a commit
      checkpointer.afterCommit();
      seen.push(autocheckpoint(db));
    }
    expect(seen).toEqual([100, 100, 100, 25, 25, 25]);
    expect(failures).toEqual([
      expect.stringMatching(/^the WAL of .*held\.db grew to \d+ bytes during a bulk load; the connection checkpoints it itself again$/),
    ]);
    reader.exec('COMMIT');
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(25);
  });

  it('leaves a connection that does not checkpoint itself as it is, and starts no thread', async () => {
    const db = open('never.db');
    const file = join(dir, 'never.db');
    db.pragma('wal_autocheckpoint = 0');
    const before = size(file);
    const checkpointer = checkpointing(db);
    fill(db, 1);
    checkpointer.afterCommit();
    expect(autocheckpoint(db)).toBe(0);
    await checkpointer.finish();
    // A thread would have copied the rows into the file by its last checkpoint.
    expect(size(file)).toBe(before);
    expect(autocheckpoint(db)).toBe(0);
  });

  it('leaves a database in memory as it is', async () => {
    const db = new Database(':memory:');
    opened.push(db);
    const checkpointer = checkpointing(db);
    checkpointer.afterCommit();
    expect(autocheckpoint(db)).toBe(1000);
    await checkpointer.finish();
  });

  it('keeps a connection that checkpoints at another size at that size', async () => {
    const db = open('own-size.db');
    db.pragma('wal_autocheckpoint = 250');
    const checkpointer = checkpointing(db);
    expect(autocheckpoint(db)).toBe(1000);
    fill(db, 2);
    checkpointer.afterCommit();
    await checkpointer.finish();
    expect(autocheckpoint(db)).toBe(250);
  });
});
