import { ledgerRegistry, newEventId } from '@minsheng/core';
import { ANY, compiledBeside, type EventStore, type StoreOpener } from '@minsheng/event-store';
import { createSqliteEventStore, sqliteStoreOpener } from '@minsheng/store-sqlite';
import { corruptStoredEvent, freshLedgerFile } from '@minsheng/store-sqlite/testing';
import Database from 'better-sqlite3';
import { isLeft } from 'fp-ts/Either';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { spawnSync } from 'node:child_process';
import { LEDGER_INDEX } from './read-model/projection';
import { MAX_READER_THREADS, readPage, readPagesInThreads, type ReaderThreads } from './reader-threads';
import { endKeptReaderThreads, keptReaderThreads, READER_THREAD_CLOSE_WAIT_MS, startReaderThreads } from './reader-thread-pool';
import type { IndexRow } from './read-model/index-rows';
import { createSqliteReadModel, type SqliteReadModel } from './read-model/sqlite';
import { READ_MODEL_TABLES } from './read-model/sqlite-schema';
// The throwing steps the package runs inside: these tests drive the runner itself.
import { runCatchUp as catchUpReadModel, runRebuild as rebuildReadModel, type CatchUpOptions, type CatchUpResult } from './runner';
import { runWorker, type WorkerOptions } from './worker';
import { stopAfter } from './testing/stop-after';

const PLACES = ['daoli', 'nangang', 'daowai', 'xiangfang', 'pingfang', 'songbei'];
const METRICS = ['m1', 'm2', 'm3'];

const meta = (i: number) => ({ actor: { unit: 'u', person: '统计员' }, recordedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), correlationId: `c${i}` });

/** A log of `rounds` rounds in which every place reports every metric; some reports are corrected or retracted later. */
const writeLog = async (store: EventStore, rounds: number, from = 0): Promise<number> => {
  let n = from;
  const last = new Map<string, string>();
  for (let round = 0; round < rounds; round++)
    for (const metric of METRICS)
      for (const place of PLACES) {
        const head = { planId: 'p', task: 1, metric, place };
        const stream = `progress-p-${metric}-${place}`;
        const asOf = new Date(Date.UTC(2024, 0, 1) + round * 86_400_000).toISOString().slice(0, 10);
        const prior = last.get(stream);
        const i = ++n;
        const eventId = newEventId();
        const event =
          prior && i % 7 === 0
            ? { eventId, type: 'ProgressCorrected', schemaVersion: 1, metadata: meta(i),
                data: { ...head, corrects: prior, asOf, figure: { kind: 'quantity', value: String(i + 1), unit: '个' }, reason: '复核更正' } }
            : prior && i % 31 === 0
              ? { eventId, type: 'ProgressRetracted', schemaVersion: 1, metadata: meta(i), data: { ...head, retracts: prior, reason: '重复上报' } }
              : { eventId, type: 'ProgressReported', schemaVersion: 2, metadata: meta(i),
                  data: { ...head, asOf, figure: { kind: 'quantity', value: String(i), unit: '个' } } };
        if (event.type === 'ProgressReported') last.set(stream, eventId);
        const r = await store.append(stream, [event], ANY)();
        if (isLeft(r)) throw new Error(r.left.message);
      }
  return n;
};

/**
 * `store` as a thread sees it that reads each page `ms` slower. 200 ms a page gives a reader
 * thread the 11 pages of this log (2.2 s) to start before the calling thread has read them all:
 * at 60 ms (0.66 s) a thread started under a load average of 5 on 2 cores often lost that race.
 */
const slowed = (store: EventStore, ms = 200): EventStore => ({
  ...store,
  readAll: (o) => async () => {
    await new Promise((r) => setTimeout(r, ms));
    return store.readAll(o)();
  },
});

/**
 * An opener module written in `dir`, named `name`.js: the real opener of the SQLite ledger `file`
 * (`real()`), as `body` (the source of the function's body, given `args`) changes it; `more`
 * are further arguments.
 */
const wrappedOpener = (dir: string, file: string, name: string, body: string, more: Record<string, string> = {}): StoreOpener => {
  const module = join(dir, `${name}.js`);
  writeFileSync(module, `exports.openEventStore = (args) => {\n  const real = () => require(args.real).openEventStore({ file: args.file });\n  ${body}\n};\n`);
  return { module, args: { file, real: sqliteStoreOpener(file).module, ...more } };
};

/** Every row of every read-model table, in a fixed order. */
const dump = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(READ_MODEL_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
  } finally {
    db.close();
  }
};

const indexNames = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_figures' ORDER BY name`).pluck().all();
  } finally {
    db.close();
  }
};

describe('catching up with reader threads', () => {
  let dir: string;
  let file: string;
  let store: EventStore;
  let head: number;
  const models: SqliteReadModel[] = [];
  const model = (name: string, now?: () => number) => {
    const m = createSqliteReadModel({ file: join(dir, name), ...(now ? { now } : {}) });
    models.push(m);
    return m;
  };

  beforeAll(async () => {
    ({ dir, file } = freshLedgerFile());
    store = createSqliteEventStore({ file, registry: ledgerRegistry, synchronous: 'normal' });
    head = await writeLog(store, 60);
  });
  afterEach(() => models.splice(0).forEach((m) => m.close()));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const threaded = (threads: number, more: Partial<CatchUpOptions> = {}): CatchUpOptions => ({
    readers: { opener: sqliteStoreOpener(file), threads },
    largeFrom: 1,
    batchSize: 100,
    ...more,
  });

  /**
   * The store as the calling thread sees it, 200 ms slower a page (see slowed): otherwise it
   * reads every page of this small log itself before a thread has even started, and the threads
   * would go untested.
   */
  const slowHere = (): EventStore => slowed(store);

  it('writes exactly the rows one thread writes, with one reader thread or three', async () => {
    const plain = model('plain.db');
    const one = model('one.db');
    const three = model('three.db');
    const seq = await rebuildReadModel(store, plain, { batchSize: 100 });
    const r1 = await rebuildReadModel(slowHere(), one, threaded(1));
    const r3 = await rebuildReadModel(slowHere(), three, threaded(3));
    expect(seq).toEqual({ applied: head, checkpoint: head, head, readerThreads: 0, stopped: null });
    expect(r1).toEqual({ ...seq, readerThreads: 1 });
    // Of three threads, the last to start may find every page taken.
    expect(r3).toEqual({ ...seq, readerThreads: r3.readerThreads });
    expect(r3.readerThreads).toBeGreaterThanOrEqual(1);
    const expected = dump(join(dir, 'plain.db'));
    expect(expected.rm_figures!.length).toBeGreaterThan(1000);
    expect(expected.rm_retractions!.length).toBeGreaterThan(10);
    expect(dump(join(dir, 'one.db'))).toEqual(expected);
    expect(dump(join(dir, 'three.db'))).toEqual(expected);
  });

  it('reports progress in log order up to the head', async () => {
    const seen: number[] = [];
    await rebuildReadModel(store, model('progress.db'), threaded(2, { onProgress: (c) => seen.push(c) }));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(head);
    expect(seen.length).toBe(Math.ceil(head / 100));
  });

  /** The read model in `name`, noting the indexes of rm_figures before each batch it applies. */
  const watchingIndexes = (m: SqliteReadModel, name: string) => {
    const during: unknown[][] = [];
    const watched = {
      ...m,
      writer: {
        ...m.writer,
        applyRows: async (...args: Parameters<typeof m.writer.applyRows>) => {
          during.push(indexNames(join(dir, name)));
          return m.writer.applyRows(...args);
        },
      },
    };
    return { watched, during };
  };

  it('drops the lookup index for a rebuild from 0 and builds it once the rebuild is done', async () => {
    const m = model('deferred.db');
    const before = indexNames(join(dir, 'deferred.db'));
    expect(before).toContain('rm_figures_lookup');
    const { watched, during } = watchingIndexes(m, 'deferred.db');
    await rebuildReadModel(store, watched, threaded(1));
    expect(during.length).toBe(Math.ceil(head / 100));
    for (const names of during) expect(names).not.toContain('rm_figures_lookup');
    expect(indexNames(join(dir, 'deferred.db'))).toEqual(before);
  });

  it('keeps the lookup index for a catch-up that does not start from 0', async () => {
    const m = model('not-from-zero.db');
    const first = await store.readAll({ fromPosition: 0, maxCount: 100 })();
    if (isLeft(first)) throw new Error(first.left.message);
    expect(await m.writer.applyBatch(LEDGER_INDEX, 0, first.right)).toBe('applied');
    const { watched, during } = watchingIndexes(m, 'not-from-zero.db');
    await catchUpReadModel(store, watched, threaded(1));
    expect(during.length).toBeGreaterThan(0);
    for (const names of during) expect(names).toContain('rm_figures_lookup');
  });

  it('builds the deferred index again when the catch-up fails, and reports the failure', async () => {
    const m = model('failing.db');
    const failing = { ...m, writer: { ...m.writer, applyRows: async () => Promise.reject(new Error('disk full')) } };
    await expect(rebuildReadModel(store, failing, threaded(1))).rejects.toThrow('disk full');
    expect(indexNames(join(dir, 'failing.db'))).toContain('rm_figures_lookup');
  });

  it('has the connection checkpoint the WAL four times less often during a large catch-up, from 0 or not', async () => {
    const db = new Database(join(dir, 'checkpoints.db'));
    const m = createSqliteReadModel({ db });
    const during: unknown[] = [];
    const watched = {
      ...m,
      writer: {
        ...m.writer,
        applyRows: async (...args: Parameters<typeof m.writer.applyRows>) => {
          during.push(db.pragma('wal_autocheckpoint', { simple: true }));
          return m.writer.applyRows(...args);
        },
      },
    };
    try {
      await rebuildReadModel(store, watched, threaded(1, { largeFrom: head }));
      expect(during.length).toBe(Math.ceil(head / 100));
      expect(new Set(during)).toEqual(new Set([4000]));
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      // Not from 0: a catch-up of the rest, once enough of the log is new.
      const rest = head - 500;
      await m.writer.reset(LEDGER_INDEX);
      const first = await store.readAll({ fromPosition: 0, maxCount: 500 })();
      if (isLeft(first)) throw new Error(first.left.message);
      expect(await m.writer.applyBatch(LEDGER_INDEX, 0, first.right)).toBe('applied');
      during.length = 0;
      await catchUpReadModel(store, watched, threaded(1, { largeFrom: rest }));
      expect(new Set(during)).toEqual(new Set([4000]));
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      const plain = model('checkpoints-plain.db');
      await rebuildReadModel(store, plain, { batchSize: 100 });
      expect(dump(join(dir, 'checkpoints.db'))).toEqual(dump(join(dir, 'checkpoints-plain.db')));
    } finally {
      m.close();
      db.close();
    }
  });

  it('checkpoints the WAL from its own thread during a large catch-up on this thread alone', async () => {
    // Only a checkpoint writes a WAL database's own file. The thread starts at the first commit,
    // and its last checkpoint is done before the rebuild returns.
    const name = join(dir, 'one-thread-checkpoints.db');
    const m = createSqliteReadModel({ file: name });
    models.push(m);
    const before = statSync(name).size;
    await rebuildReadModel(store, m, { largeFrom: 1, batchSize: 100 });
    expect(statSync(name).size).toBeGreaterThan(before + 200 * 1024);
    // The same catch-up, not large: the connection checkpoints only at its own 4 MB, so the
    // rows stay in the WAL.
    const small = join(dir, 'small-checkpoints.db');
    const s = createSqliteReadModel({ file: small });
    models.push(s);
    const smallBefore = statSync(small).size;
    await rebuildReadModel(store, s, { batchSize: 100 });
    expect(statSync(small).size).toBe(smallBefore);
    expect(dump(small)).toEqual(dump(name));
  });

  it('goes on from where another writer moved the checkpoint, applying nothing twice', async () => {
    const m = model('moved.db');
    let stolen = false;
    // Before the third page, another writer applies it first.
    const contended = {
      ...m,
      writer: {
        ...m.writer,
        applyRows: async (...args: Parameters<typeof m.writer.applyRows>) => {
          const [projection, expected] = args;
          if (!stolen && expected === 200) {
            stolen = true;
            const page = await store.readAll({ fromPosition: 200, maxCount: 100 })();
            if (isLeft(page)) throw new Error(page.left.message);
            expect(await m.writer.applyBatch(projection, 200, page.right)).toBe('applied');
          }
          return m.writer.applyRows(...args);
        },
      },
    };
    const r = await rebuildReadModel(store, contended, threaded(1));
    expect(stolen).toBe(true);
    expect(r.checkpoint).toBe(head);
    expect(r.applied).toBe(head - 100);
    const plain = model('moved-plain.db');
    await rebuildReadModel(store, plain, { batchSize: 100 });
    expect(dump(join(dir, 'moved.db'))).toEqual(dump(join(dir, 'moved-plain.db')));
  });

  it('applies what was appended while the threads read, on this thread, after them', async () => {
    const m = model('growing.db');
    let appending: Promise<number> | undefined;
    const r = await catchUpReadModel(store, m, threaded(1, { onProgress: () => void (appending ??= writeLog(store, 1, 100_000)) }));
    await appending;
    // Whatever the threads' catch-up did not see, a second one applies; together they apply each event once.
    const rest = await catchUpReadModel(store, m);
    const grown = head + METRICS.length * PLACES.length;
    expect(r.checkpoint).toBeGreaterThanOrEqual(head);
    expect(r.applied + rest.applied).toBe(grown);
    expect(rest.checkpoint).toBe(grown);
    const plain = model('growing-plain.db');
    await rebuildReadModel(store, plain, { batchSize: 100 });
    expect(dump(join(dir, 'growing.db'))).toEqual(dump(join(dir, 'growing-plain.db')));
  });

  it('lets a thread go, kept for the next catch-up, once it has sent its last page, while the last pages are still being applied', async () => {
    await endKeptReaderThreads();
    const applied: number[] = [];
    const keptWhenApplied: number[] = [];
    const reading = { threadsThatRead: 0, threadsStarted: 0 };
    const pages = readPagesInThreads(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, { after: 0, upTo: head }, 100, reading);
    for await (const page of pages) {
      applied.push(page.through);
      keptWhenApplied.push(keptReaderThreads());
      // A slow writer: the thread has read every page before the last ones are applied.
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(applied).toEqual(Array.from({ length: Math.ceil(head / 100) }, (_, k) => Math.min((k + 1) * 100, head)));
    expect(reading).toEqual({ threadsThatRead: 1, threadsStarted: 1 });
    // Kept before the last page was applied (its thread had sent it), and still kept after.
    expect(keptWhenApplied[keptWhenApplied.length - 1]).toBe(1);
    expect(keptReaderThreads()).toBe(1);
  });

  describe('threads kept between catch-ups', () => {
    beforeEach(endKeptReaderThreads);
    afterAll(endKeptReaderThreads);
    const read = async (from: EventStore, readers: Partial<ReaderThreads> & { opener: ReaderThreads['opener'] }, upTo: number) => {
      const reading = { threadsThatRead: 0, threadsStarted: 0 };
      const rows: IndexRow[] = [];
      for await (const page of readPagesInThreads(from, readers, { after: 0, upTo }, 100, reading)) rows.push(...page.rows);
      return { reading, rows };
    };

    it('reads the next catch-up in the thread the last one kept, which writes the same rows', async () => {
      // The log as the tests above left it (one of them appends to it).
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      const head = h.right;
      const first = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, head);
      expect(first.reading).toEqual({ threadsThatRead: 1, threadsStarted: 1 });
      expect(keptReaderThreads()).toBe(1);
      const kept = model('kept.db');
      const r = await rebuildReadModel(slowHere(), kept, threaded(1));
      expect(r).toEqual({ applied: head, checkpoint: head, head, readerThreads: 1, stopped: null });
      expect(keptReaderThreads()).toBe(1);
      const again = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, head);
      expect(again.reading).toEqual({ threadsThatRead: 1, threadsStarted: 0 });
      expect(again.rows).toEqual(first.rows);
      await rebuildReadModel(store, model('kept-plain.db'), { batchSize: 100 });
      expect(dump(join(dir, 'kept.db'))).toEqual(dump(join(dir, 'kept-plain.db')));
    });

    it('opens the store each catch-up gives it: a ledger replaced at the same path is read as it is now', async () => {
      const { dir: other, file: replaced } = freshLedgerFile();
      try {
        const before = createSqliteEventStore({ file: replaced, registry: ledgerRegistry, synchronous: 'normal' });
        const n1 = await writeLog(before, 30);
        const r1 = await read(slowHere(), { opener: sqliteStoreOpener(replaced), threads: 1 }, n1);
        await before.close();
        for (const s of ['', '-wal', '-shm']) rmSync(replaced + s, { force: true });
        const after = createSqliteEventStore({ file: replaced, registry: ledgerRegistry, synchronous: 'normal' });
        try {
          const n2 = await writeLog(after, 20);
          const r2 = await read(slowed(after), { opener: sqliteStoreOpener(replaced), threads: 1 }, n2);
          expect(r2.reading).toEqual({ threadsThatRead: 1, threadsStarted: 0 });
          const here = await readPage(after, 0, n2);
          expect(r2.rows).toEqual(here.rows);
          expect(r2.rows).not.toEqual(r1.rows.slice(0, r2.rows.length));
        } finally {
          await after.close();
        }
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('ends a kept thread after its idle time, or at once with an idle time of 0', async () => {
      await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1, idleMs: 0 }, 500);
      expect(keptReaderThreads()).toBe(0);
      await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1, idleMs: 1500 }, 500);
      expect(keptReaderThreads()).toBe(1);
      await new Promise((r) => setTimeout(r, 2500));
      expect(keptReaderThreads()).toBe(0);
      // The next catch-up starts a thread of its own.
      const next = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, 500);
      expect(next.reading.threadsStarted).toBe(1);
    });

    /** The real opener, its store's close() replaced by `close` (JavaScript source). */
    const openerClosing = (name: string, close: string) =>
      wrappedOpener(dir, file, name, `const store = real();\n  return { ...store, close: ${close} };`);

    it('waits for a kept thread to close its store before reading in it, and ends one that takes too long', async () => {
      // Still closing when the next catch-up takes it: that one waits, then reads in it.
      const closingSoon = openerClosing('closing-soon', '() => new Promise((r) => setTimeout(() => store.close().then(r), 300))');
      await read(slowHere(), { opener: closingSoon, threads: 1 }, 500);
      const next = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, head);
      expect(next.reading).toEqual({ threadsThatRead: 1, threadsStarted: 0 });
      expect(next.rows).toEqual((await readPage(store, 0, head)).rows);
      // Closing for longer than READER_THREAD_CLOSE_WAIT_MS: ended, and a thread started instead.
      const closingSlowly = openerClosing('closing-slowly', `() => new Promise((r) => setTimeout(() => store.close().then(r), ${3 * READER_THREAD_CLOSE_WAIT_MS}))`);
      await read(slowHere(), { opener: closingSlowly, threads: 1 }, 500);
      expect(keptReaderThreads()).toBe(1);
      const after = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, 500);
      expect(after.reading.threadsStarted).toBe(1);
      expect(keptReaderThreads()).toBe(1);
    });

    it('ends a kept thread whose store cannot close, and offers it to no catch-up', async () => {
      for (const close of ['() => { throw new Error("cannot close") }', '() => Promise.reject(new Error("cannot close"))']) {
        await endKeptReaderThreads();
        await read(slowHere(), { opener: openerClosing('not-closing', close), threads: 1 }, 500);
        // Taken at once, while it closes: the catch-up learns it cannot, and starts a thread instead.
        const next = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, head);
        expect(next.reading.threadsStarted).toBe(1);
        expect(next.rows).toEqual((await readPage(store, 0, head)).rows);
        expect(keptReaderThreads()).toBe(1);
      }
    });

    it('ends a kept thread that fails while it waits, and this thread goes on', async () => {
      // A store whose thread throws 1.5 s after it opens: after the read, while it is kept.
      const failingLater = wrappedOpener(dir, file, 'failing-later', `setTimeout(() => { throw new Error('the thread broke'); }, 1500);\n  return real();`);
      await read(slowHere(), { opener: failingLater, threads: 1 }, 500);
      expect(keptReaderThreads()).toBe(1);
      for (let waited = 0; keptReaderThreads() > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(keptReaderThreads()).toBe(0);
    });

    it('has a rebuild start its threads while it deletes the old rows, and read in them', async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      const m = model('started-early.db');
      await rebuildReadModel(store, m, { batchSize: 100 });
      await endKeptReaderThreads();
      // The read model, noting how many threads were waiting for the catch-up when its rows were deleted.
      const atReset: number[] = [];
      const noting = { reader: m.reader, writer: { ...m.writer, reset: async (p: string) => (atReset.push(keptReaderThreads()), m.writer.reset(p)) } };
      const r = await rebuildReadModel(slowHere(), noting, threaded(1));
      expect(r).toEqual({ applied: h.right, checkpoint: h.right, head: h.right, readerThreads: 1, stopped: null });
      // The thread started early, then kept again after the catch-up read in it.
      expect(atReset).toEqual([1]);
      expect(keptReaderThreads()).toBe(1);
      await rebuildReadModel(store, model('started-early-plain.db'), { batchSize: 100 });
      expect(dump(join(dir, 'started-early.db'))).toEqual(dump(join(dir, 'started-early-plain.db')));
      // A log too small to read in threads starts none, nor does a rebuild told to keep none.
      await endKeptReaderThreads();
      await rebuildReadModel(store, noting, threaded(1, { largeFrom: h.right + 1 }));
      await rebuildReadModel(store, noting, { ...threaded(1), readers: { opener: sqliteStoreOpener(file), threads: 1, idleMs: 0 } });
      expect(atReset).toEqual([1, 0, 0]);
      expect(keptReaderThreads()).toBe(0);
    });

    it('refuses a bad thread count before it deletes a row', async () => {
      const m = model('kept-rows.db');
      const done = await rebuildReadModel(store, m, { batchSize: 100 });
      const before = dump(join(dir, 'kept-rows.db'));
      await expect(rebuildReadModel(store, m, threaded(0))).rejects.toThrow(/^reader threads must be a whole number from 1 to 64, not 0/);
      expect(await m.reader.checkpoint(LEDGER_INDEX)).toBe(done.checkpoint);
      expect(dump(join(dir, 'kept-rows.db'))).toEqual(before);
    });

    it('shares kept threads between catch-ups running at once, each reading its own pages', async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      const expected = (await readPage(store, 0, h.right)).rows;
      const both = () =>
        Promise.all([0, 1].map(() => read(slowHere(), { opener: sqliteStoreOpener(file), threads: 2 }, h.right)));
      const first = await both();
      for (const r of first) expect(r.rows).toEqual(expected);
      expect(first.map((r) => r.reading.threadsStarted)).toEqual([2, 2]);
      const keptBefore = keptReaderThreads();
      expect(keptBefore).toBe(Math.min(4, availableParallelism()));
      const second = await both();
      for (const r of second) expect(r.rows).toEqual(expected);
      // Each kept thread went to one of them: the rest were started.
      expect(second[0]!.reading.threadsStarted + second[1]!.reading.threadsStarted).toBe(4 - keptBefore);
    });

    it('counts threads started ahead for a catch-up as started for it, and ends them after the idle time if none takes them', async () => {
      startReaderThreads(sqliteStoreOpener(file), 1, 10_000);
      expect(keptReaderThreads()).toBe(1);
      const r = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: 1 }, 500);
      expect(r.rows).toEqual((await readPage(store, 0, 500)).rows);
      // Started ahead, it counts as started for this catch-up. Whether it read a page depends on
      // how soon it opened the store: on a loaded machine the main thread may read all five.
      expect(r.reading.threadsStarted).toBe(1);
      expect(r.reading.threadsThatRead).toBeLessThanOrEqual(1);
      await endKeptReaderThreads();
      startReaderThreads(sqliteStoreOpener(file), 1, 300);
      expect(keptReaderThreads()).toBe(1);
      for (let waited = 0; keptReaderThreads() > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(keptReaderThreads()).toBe(0);
    });

    it('keeps no more threads than the machine has cores', async () => {
      const many = Math.min(MAX_READER_THREADS, availableParallelism() + 2);
      const r = await read(slowHere(), { opener: sqliteStoreOpener(file), threads: many }, head);
      expect(r.reading.threadsStarted).toBe(many);
      expect(keptReaderThreads()).toBe(availableParallelism());
    });

    it('does not keep a process alive', () => {
      const script = `
        const { readPagesInThreads } = require(${JSON.stringify(compiledBeside(__dirname, 'internal.js'))});
        const { createSqliteEventStore, sqliteStoreOpener } = require('@minsheng/store-sqlite');
        const { ledgerRegistry } = require('@minsheng/core');
        (async () => {
          const store = createSqliteEventStore({ file: ${JSON.stringify(file)}, registry: ledgerRegistry });
          const slow = { ...store, readAll: (o) => async () => (await new Promise((r) => setTimeout(r, 60)), store.readAll(o)()) };
          let n = 0;
          for await (const page of readPagesInThreads(slow, { opener: sqliteStoreOpener(${JSON.stringify(file)}), threads: 1, idleMs: 600000 }, { after: 0, upTo: 1000 }, 100)) n += page.count;
          await store.close();
          console.log('read', n, 'kept', require(${JSON.stringify(compiledBeside(__dirname, 'internal.js'))}).keptReaderThreads());
        })();`;
      // Killed after 50 s (status null) if it waited for the kept thread's ten minutes.
      const r = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 50_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('read 1000 kept 1');
      expect(r.status).toBe(0);
    });
  });

  describe('a projection worker far behind', () => {
    // The log as the tests above left it (one of them appends to it).
    let head: number;
    let expected: ReturnType<typeof dump>;
    beforeAll(async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      head = h.right;
      await rebuildReadModel(store, model('worker-plain.db'), { batchSize: 100 });
      expected = dump(join(dir, 'worker-plain.db'));
    });

    /** A worker that reads in one thread once 1 event behind, 100 events a page. */
    const worker = (m: SqliteReadModel, owner: string, more: Partial<WorkerOptions>): Promise<void> =>
      runWorker({ store, model: m, owner, readers: { opener: sqliteStoreOpener(file), threads: 1 }, largeFrom: 1, batchSize: 100, pollMs: 20, ...more });

    const lease = async (m: SqliteReadModel) => (await m.reader.projections()).find((p) => p.projection === LEDGER_INDEX);
    const liveOwner = async (m: SqliteReadModel) => {
      const l = await lease(m);
      return l?.leaseExpiresAt !== null && l?.leaseExpiresAt !== undefined && l.leaseExpiresAt > Date.now() ? l.owner : null;
    };

    it('catches up in threads under its lease, writes the rows a rebuild writes, then calls onCaughtUp once, holding the lease', async () => {
      const m = model('worker.db');
      const stop = new AbortController();
      const bulk: CatchUpResult[] = [];
      const caughtUp: number[] = [];
      const batches: [number, number][] = [];
      let ownerThen: string | null | undefined;
      await worker(m, 'w', {
        signal: stop.signal,
        onBatch: (c, n) => batches.push([c, n]),
        onApplied: async () => Promise.reject(new Error('a catch-up in threads passes no batches to onApplied')),
        onBulkCatchUp: (r) => bulk.push(r),
        onCaughtUp: async (c) => {
          caughtUp.push(c);
          ownerThen = await liveOwner(m);
          // A few polls more: it is owed once a tenure (and after each catch-up in threads), not once a poll.
          setTimeout(() => stop.abort(), 100);
        },
      });
      expect(bulk).toEqual([{ applied: head, checkpoint: head, head, readerThreads: bulk[0]!.readerThreads, stopped: null }]);
      expect(caughtUp).toEqual([head]);
      expect(ownerThen).toBe('w');
      expect(batches).toEqual(Array.from({ length: Math.ceil(head / 100) }, (_, k) => [Math.min((k + 1) * 100, head), Math.min(100, head - k * 100)]));
      expect(dump(join(dir, 'worker.db'))).toEqual(expected);
      // It released the lease on its way out.
      expect((await lease(m))?.owner).toBeNull();
    });

    it('stops at once when another worker takes its lease, and that worker goes on from its checkpoint', async () => {
      let now = 1_000_000;
      const a = model('handover.db', () => now);
      const b = model('handover.db', () => now);
      const stopA = new AbortController();
      const leases: boolean[] = [];
      const bulkA: CatchUpResult[] = [];
      let lost = () => {};
      const lostLease = new Promise<void>((resolve) => (lost = resolve));
      const runA = worker(a, 'a', {
        signal: stopA.signal,
        leaseMs: 1000,
        onLease: (h) => {
          leases.push(h);
          if (!h) lost();
        },
        onBulkCatchUp: (r) => bulkA.push(r),
        onCaughtUp: async () => Promise.reject(new Error('a worker that lost its lease has not caught up')),
        onBatch: (c) => {
          if (c !== 300) return;
          // a stalls past its lease, and b takes it.
          now += 1001;
          void b.writer.acquireLease(LEDGER_INDEX, 'b', 60_000);
        },
      });
      await lostLease;
      stopA.abort();
      await runA;
      expect(leases).toEqual([true, false]);
      expect(bulkA).toMatchObject([{ applied: 300, checkpoint: 300, stopped: 'lease-lost' }]);
      expect(await a.reader.checkpoint(LEDGER_INDEX)).toBe(300);
      expect((await lease(a))?.owner).toBe('b');
      // b goes on from 300 (in threads too), and the rows are a rebuild's.
      const stopB = new AbortController();
      const bulkB: CatchUpResult[] = [];
      await worker(b, 'b', { signal: stopB.signal, leaseMs: 60_000, onBulkCatchUp: (r) => bulkB.push(r), onCaughtUp: async () => stopB.abort() });
      expect(bulkB).toMatchObject([{ applied: head - 300, checkpoint: head, stopped: null }]);
      expect(dump(join(dir, 'handover.db'))).toEqual(expected);
    });

    it('renews its lease through a catch-up that takes longer than the lease', async () => {
      const m = model('renewed.db');
      // 40 ms a page of 20 events: about 1.4 s in all, against a lease of 1 s renewed every third of it.
      const slow = { ...m, writer: { ...m.writer, applyRows: async (...args: Parameters<typeof m.writer.applyRows>) => {
        await new Promise((r) => setTimeout(r, 40));
        return m.writer.applyRows(...args);
      } } };
      const stop = new AbortController();
      const leases: boolean[] = [];
      const bulk: CatchUpResult[] = [];
      const started = Date.now();
      await runWorker({ store, model: slow, owner: 'w', readers: { opener: sqliteStoreOpener(file), threads: 1 }, largeFrom: 1, batchSize: 20,
        leaseMs: 1000, pollMs: 20, signal: stop.signal, onLease: (h) => leases.push(h), onBulkCatchUp: (r) => bulk.push(r), onCaughtUp: async () => stop.abort() });
      expect(Date.now() - started).toBeGreaterThan(1000);
      expect(leases).toEqual([true]);
      expect(bulk).toMatchObject([{ checkpoint: head, stopped: null }]);
      expect(dump(join(dir, 'renewed.db'))).toEqual(expected);
    });

    it('stops between pages when its signal aborts, with the lookup index built and the lease released; the next holder covers the rest in onCaughtUp', async () => {
      const m = model('aborted.db');
      // The whole log counts as far behind; what is left after position 300 does not.
      const largeFrom = head - 200;
      const stop = new AbortController();
      const bulk: CatchUpResult[] = [];
      await worker(m, 'w', {
        signal: stop.signal,
        largeFrom,
        onBatch: (c) => c === 300 && stop.abort(),
        onBulkCatchUp: (r) => bulk.push(r),
        onCaughtUp: async () => Promise.reject(new Error('an aborted catch-up has not caught up')),
      });
      expect(bulk).toMatchObject([{ applied: 300, checkpoint: 300, stopped: 'aborted' }]);
      expect(await m.reader.checkpoint(LEDGER_INDEX)).toBe(300);
      expect((await lease(m))?.owner).toBeNull();
      expect(indexNames(join(dir, 'aborted.db'))).toContain('rm_figures_lookup');
      // The next worker is not far behind: batch by batch, its batches to onApplied, and then
      // onCaughtUp, where the events of the stopped catch-up are looked at.
      const next = new AbortController();
      const applied: number[] = [];
      const caughtUp: number[] = [];
      await worker(m, 'v', {
        signal: next.signal,
        largeFrom,
        onApplied: async (events) => void applied.push(...events.map((e) => e.position)),
        onCaughtUp: async (c) => {
          caughtUp.push(c);
          next.abort();
        },
      });
      expect(applied).toEqual(Array.from({ length: head - 300 }, (_, i) => 301 + i));
      expect(caughtUp).toEqual([head]);
      expect(dump(join(dir, 'aborted.db'))).toEqual(expected);
    });

    it('says a catch-up aborted after its last batch stopped nothing', async () => {
      const late = new AbortController();
      const r = await rebuildReadModel(store, model('late-abort.db'), { batchSize: 100, signal: late.signal, onCommit: (c) => c === head && late.abort() });
      expect(r).toMatchObject({ checkpoint: head, stopped: null });
      const early = new AbortController();
      const s = await rebuildReadModel(store, model('early-abort.db'), { batchSize: 100, signal: early.signal, onCommit: (c) => c === 200 && early.abort() });
      expect(s).toMatchObject({ applied: 200, checkpoint: 200, stopped: 'aborted' });
    });

    it('goes on batch by batch when reading in threads fails, saying why', async () => {
      const hanging = join(dir, 'hanging.js');
      writeFileSync(hanging, 'exports.openEventStore = () => new Promise(() => setInterval(() => {}, 1000));\n');
      const m = model('no-threads.db');
      const stop = new AbortController();
      const failures: string[] = [];
      await worker(m, 'w', {
        signal: stop.signal,
        readers: { opener: { module: hanging, args: {} }, threads: 1, startTimeoutMs: 300 },
        onReadersFailed: (message) => failures.push(message),
        onCaughtUp: async () => stop.abort(),
      });
      expect(failures).toEqual(['ledger-index: a reader thread did not open the event store within 300 ms']);
      expect(dump(join(dir, 'no-threads.db'))).toEqual(expected);
    });

    it('builds the indexes a holder that died during a bulk load from 0 left out, when it takes the lease', async () => {
      const m = model('left-out.db');
      const db = new Database(join(dir, 'left-out.db'));
      db.exec('DROP INDEX rm_figures_lookup');
      db.close();
      expect(indexNames(join(dir, 'left-out.db'))).not.toContain('rm_figures_lookup');
      const stop = new AbortController();
      await runWorker({ store, model: m, owner: 'w', pollMs: 20, signal: stop.signal, onCaughtUp: async () => stop.abort() });
      expect(indexNames(join(dir, 'left-out.db'))).toContain('rm_figures_lookup');
    });

    it('refuses readers with onApplied but no onCaughtUp, or a bad thread count, before taking the lease', async () => {
      const m = model('refused.db');
      await expect(worker(m, 'w', { onApplied: async () => undefined })).rejects.toThrow(
        'a worker with readers and onApplied needs onCaughtUp: the events of a catch-up in threads are not passed to onApplied',
      );
      await expect(worker(m, 'w', { readers: { opener: sqliteStoreOpener(file), threads: 0 } })).rejects.toThrow(
        /^reader threads must be a whole number from 1 to 64, not 0/,
      );
      expect(await m.reader.checkpoint(LEDGER_INDEX)).toBe(0);
      expect(await lease(m)).toBeUndefined();
    });

    // Last (with the next): they append to the log the tests above share.
    it('owes onCaughtUp again after each catch-up in threads while it holds the lease', async () => {
      const m = model('again.db');
      // However it goes wrong, the worker stops and the expectations below say how.
      const stop = stopAfter(10_000);
      const bulk: CatchUpResult[] = [];
      const caughtUp: number[] = [];
      let grown = head;
      await worker(m, 'w', {
        signal: stop.signal,
        onApplied: async () => Promise.reject(new Error('every catch-up here is in threads')),
        onBulkCatchUp: (r) => bulk.push(r),
        onCaughtUp: async (c) => {
          caughtUp.push(c);
          // Once: more events, which this worker (1 event behind counts as far) catches up with in threads.
          if (caughtUp.length === 1) grown = await writeLog(store, 1, head);
          else stop.abort();
        },
      });
      expect(grown).toBe(head + PLACES.length * METRICS.length);
      expect(bulk).toMatchObject([
        { applied: head, checkpoint: head, stopped: null },
        { applied: grown - head, checkpoint: grown, stopped: null },
      ]);
      expect(caughtUp).toEqual([head, grown]);
      await rebuildReadModel(store, model('again-plain.db'), { batchSize: 100 });
      expect(dump(join(dir, 'again.db'))).toEqual(dump(join(dir, 'again-plain.db')));
    });

    it('owes onCaughtUp for the pages a catch-up in threads committed before its thread failed', async () => {
      const h = await store.headPosition()();
      if (isLeft(h)) throw new Error(h.left.message);
      const start = h.right;
      // The real opener, unless the file `broken` exists: then the thread fails to open the store,
      // a second after it starts (long after this thread has read the one page there is to read).
      const broken = join(dir, 'broken-now');
      const opener = wrappedOpener(
        dir,
        file,
        'sometimes-failing',
        `return require('node:fs').existsSync(args.broken)
    ? new Promise((_, reject) => setTimeout(() => reject(new Error('the disk is gone')), 1000))
    : real();`,
        { broken },
      );
      const m = model('failed-again.db');
      // However it goes wrong, the worker stops and the expectations below say how.
      const stop = stopAfter(10_000);
      const bulk: CatchUpResult[] = [];
      const failures: string[] = [];
      const caughtUp: number[] = [];
      let grown = start;
      await worker(m, 'w', {
        signal: stop.signal,
        readers: { opener, threads: 1 },
        onApplied: async () => Promise.reject(new Error('every batch here is committed by a catch-up in threads')),
        onBulkCatchUp: (r) => bulk.push(r),
        onReadersFailed: (message) => {
          failures.push(message);
          // Without a second onCaughtUp the worker would poll on: stop it after a while.
          setTimeout(() => stop.abort(), 2000).unref();
        },
        onCaughtUp: async (c) => {
          caughtUp.push(c);
          if (caughtUp.length > 1) return stop.abort();
          // The next catch-up's thread cannot open the store: this thread reads and commits the
          // new page meanwhile, and then the catch-up fails for want of its thread.
          writeFileSync(broken, '');
          grown = await writeLog(store, 3, start);
        },
      });
      expect(bulk).toMatchObject([{ applied: start, checkpoint: start, stopped: null }]);
      expect(failures).toEqual(['ledger-index: a reader thread cannot open the event store: the disk is gone']);
      expect(grown).toBe(start + 3 * PLACES.length * METRICS.length);
      expect(caughtUp).toEqual([start, grown]);
      await rebuildReadModel(store, model('failed-again-plain.db'), { batchSize: 100 });
      expect(dump(join(dir, 'failed-again.db'))).toEqual(dump(join(dir, 'failed-again-plain.db')));
    });
  });
});

describe('reader thread failures', () => {
  let dir: string;
  let file: string;
  let store: EventStore;
  beforeEach(async () => {
    await endKeptReaderThreads();
    ({ dir, file } = freshLedgerFile());
    store = createSqliteEventStore({ file, registry: ledgerRegistry, synchronous: 'normal' });
    await writeLog(store, 20);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `f` on a fresh read model beside the ledger, closing it whatever happens. */
  const withReadModel = async (f: (m: SqliteReadModel) => Promise<void>) => {
    const m = createSqliteReadModel({ file: join(dir, 'rm.db') });
    try {
      await f(m);
    } finally {
      m.close();
    }
  };

  it('stops at a damaged event, naming it and the page it is in, with nothing after it applied', async () => {
    const damaged = await store.readAll({ fromPosition: 249, maxCount: 1 })();
    if (isLeft(damaged)) throw new Error(damaged.left.message);
    corruptStoredEvent(file, 250, { kind: 'field', field: 'data', value: { planId: 'p' } });
    await withReadModel(async (m) => {
      const r = rebuildReadModel(store, m, { readers: { opener: sqliteStoreOpener(file), threads: 2 }, largeFrom: 1, batchSize: 100 });
      // Changed behind the store, its hash no longer matches: the checked read refuses it.
      await expect(r).rejects.toThrow(
        `ledger-index: reading after position 200 failed: the log's hash chain is broken at position 250 (${damaged.right[0]!.eventId}): stored hash does not match the event's content`,
      );
      expect(await m.reader.checkpoint(LEDGER_INDEX)).toBeLessThanOrEqual(200);
    });
    // Neither thread is kept: the one that failed, nor the other, which a failed read ends too.
    expect(keptReaderThreads()).toBe(0);
  });

  it('refuses a thread count that is not a whole number from 1 to 64, before reading anything', async () => {
    await withReadModel(async (m) => {
      for (const threads of [0, -1, 1.5, Number.NaN, 65])
        await expect(rebuildReadModel(store, m, { readers: { opener: sqliteStoreOpener(file), threads }, largeFrom: 1 })).rejects.toThrow(
          new RegExp(`^reader threads must be a whole number from 1 to 64, not ${String(threads)}`),
        );
    });
  });

  it('refuses an idle time or start timeout a timer cannot wait, before reading anything', async () => {
    await withReadModel(async (m) => {
      const run = (more: Partial<ReaderThreads>) =>
        rebuildReadModel(store, m, { readers: { opener: sqliteStoreOpener(file), threads: 1, ...more }, largeFrom: 1 });
      for (const idleMs of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])
        await expect(run({ idleMs })).rejects.toThrow(`reader threads' idleMs must be a whole number of milliseconds from 0 to 2147483647, not ${String(idleMs)}`);
      for (const startTimeoutMs of [0, Number.NaN])
        await expect(run({ startTimeoutMs })).rejects.toThrow(
          `reader threads' startTimeoutMs must be a whole number of milliseconds from 1 to 2147483647, not ${String(startTimeoutMs)}`,
        );
      expect(await m.reader.checkpoint(LEDGER_INDEX)).toBe(0);
    });
    expect(keptReaderThreads()).toBe(0);
  });

  it('fails when a thread does not open the store in time, even if this thread read every page', async () => {
    const hanging = join(dir, 'hanging.js');
    writeFileSync(hanging, 'exports.openEventStore = () => new Promise(() => setInterval(() => {}, 1000));\n');
    await withReadModel(async (m) => {
      await expect(
        rebuildReadModel(store, m, { readers: { opener: { module: hanging, args: {} }, threads: 1, startTimeoutMs: 300 }, largeFrom: 1, batchSize: 50 }),
      ).rejects.toThrow('ledger-index: a reader thread did not open the event store within 300 ms');
    });
  });

  it('fails, and does not wait for the pages it was to read, when a thread ends by itself between two pages', async () => {
    // A store that ends its thread just after the first page it reads is sent.
    const opener = wrappedOpener(
      dir,
      file,
      'ending',
      `const store = real();
  return { ...store, readAll: (o) => async () => {
    const r = await store.readAll(o)();
    setTimeout(() => process.exit(0), 10);
    return r;
  } };`,
    );
    await withReadModel(async (m) => {
      await expect(rebuildReadModel(slowed(store), m, { readers: { opener, threads: 1 }, largeFrom: 1, batchSize: 20 })).rejects.toThrow(
        'ledger-index: a reader thread stopped (exit code 0) before it had read its pages',
      );
    });
    expect(keptReaderThreads()).toBe(0);
  });

  it('keeps no thread of a read that fails, not even one it let go before the failure', async () => {
    // The first thread to open the store reads it; the second fails to open it, 8 s after it
    // starts: by then the first has read every page and been let go. (3 s was too short at load
    // 8-9 on 2 cores: a thread started, read and was let go after the failure, 2 runs in 4.)
    const opener = wrappedOpener(
      dir,
      file,
      'once',
      `try {
    require('node:fs').writeFileSync(args.marker, '', { flag: 'wx' });
  } catch {
    return new Promise((_, reject) => setTimeout(() => reject(new Error('only one store here')), 8000));
  }
  return real();`,
      { marker: join(dir, 'opened') },
    );
    let keptBeforeFailing = 0;
    // This thread reads 150 ms a page: the first thread starts long before it could read them all.
    const pages = readPagesInThreads(slowed(store, 150), { opener, threads: 2 }, { after: 0, upTo: 360 }, 50);
    await expect(
      (async () => {
        for await (const page of pages) if (page.through === 360) keptBeforeFailing = keptReaderThreads();
      })(),
    ).rejects.toThrow('a reader thread cannot open the event store: only one store here');
    expect(keptBeforeFailing).toBe(1);
    expect(keptReaderThreads()).toBe(0);
  });

  it('says which opener module cannot be loaded, or does not open a store', async () => {
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, 'module.exports = {};\n');
    const throwing = join(dir, 'throwing.js');
    writeFileSync(throwing, 'exports.openEventStore = () => { throw new Error("no such file"); };\n');
    await withReadModel(async (m) => {
      const run = (module: string) => rebuildReadModel(store, m, { readers: { opener: { module, args: {} }, threads: 1 }, largeFrom: 1, batchSize: 50 });
      await expect(run(join(dir, 'missing.js'))).rejects.toThrow(/a reader thread cannot load .*missing\.js/);
      await expect(run(empty)).rejects.toThrow(/empty\.js does not export openEventStore/);
      await expect(run(throwing)).rejects.toThrow(/a reader thread cannot open the event store: no such file/);
    });
    expect(keptReaderThreads()).toBe(0);
  });
});
