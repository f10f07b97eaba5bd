import { CURRENT_VERSION, ledgerRegistry, newEventId, parsePlanText, progressStream, reportingPlaces, type EventEnvelope } from '@minsheng/core';
import { ANY } from '@minsheng/event-store';
import { LARGE_CATCH_UP } from '@minsheng/projections';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import { isLeft } from 'fp-ts/Either';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteBackend } from './testing/backends';
import Database from 'better-sqlite3';
import { cliAsync, jsonOf, sleep, until, WorkerProcess } from './testing/processes';
import { cli, json, MAIN, ROOT, SEED, tempDir } from './testing/run-cli';
import { YOUNG_GENERATION_FLAG } from './young-generation';

/** The command lines of the running processes that name `text` (Linux: /proc). */
const processesNaming = (text: string): string[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
        return cmd.includes(text) ? [cmd] : [];
      } catch {
        return [];
      }
    });

/**
 * A ledger large enough that a rebuild reads the log in threads: the Harbin plan, then rounds
 * of reports in which every place reports every count metric, a correction now and then.
 */
const seedLarge = async (file: string, atLeast: number): Promise<number> => {
  const plan = parsePlanText(readFileSync(SEED, 'utf8'));
  if (isLeft(plan)) throw new Error(plan.left.message);
  const pairs = plan.right.tasks.flatMap((t) =>
    t.metrics.filter((m) => m.target.kind === 'atLeast').flatMap((m) => reportingPlaces(plan.right, m).map((place) => ({ t, m, place }))),
  );
  const store = createSqliteEventStore({ file, registry: ledgerRegistry, synchronous: 'normal' });
  const last = new Map<string, string>();
  let written = 0;
  try {
    for (let round = 0; written < atLeast; round++)
      for (const { t, m, place } of pairs) {
        const stream = progressStream(plan.right.id, m.id, place);
        const at = new Date(Date.UTC(2024, 0, 2) + round * 3_600_000);
        const metadata = { actor: { unit: t.responsibleUnits[0]!, person: '统计员' }, recordedAt: at.toISOString(), correlationId: `seed-${round}` };
        const head = { planId: plan.right.id, task: t.number, metric: m.id, place, asOf: at.toISOString().slice(0, 10) };
        const unit = m.target.kind === 'atLeast' ? m.target.unit : '个';
        const figure = { kind: 'quantity' as const, value: String(round + 1), unit };
        const prior = last.get(stream);
        const eventId = newEventId(at);
        const event: EventEnvelope =
          prior && round % 9 === 8
            ? { eventId, type: 'ProgressCorrected', schemaVersion: CURRENT_VERSION.ProgressCorrected, metadata, data: { ...head, corrects: prior, figure, reason: '复核更正' } }
            : { eventId, type: 'ProgressReported', schemaVersion: CURRENT_VERSION.ProgressReported, metadata, data: { ...head, figure } };
        if (event.type === 'ProgressReported') last.set(stream, eventId);
        const r = await store.append(stream, [event], ANY)();
        if (isLeft(r)) throw new Error(r.left.message);
        written++;
      }
  } finally {
    await store.close();
  }
  return written;
};

describe('minsheng rebuild of a large ledger, reading in threads', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'ledger.db');
  const db = ['--db', file];
  const now = ['--now', '2024-12-31T12:00:00+08:00'];
  const backend = sqliteBackend(file);
  afterAll(async () => {
    await backend.close();
    tmp.remove();
  });

  it('rebuilds in place and beside, with threads or none, to the same rows and the same views', async () => {
    expect(cli(['init', '--simulated', ...db, ...now]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...db, ...now]).code).toBe(0);
    await seedLarge(file, LARGE_CATCH_UP + 1000);
    // The first command to read catches up with the whole log: a large catch-up, as a rebuild is.
    const districts = json(cli(['status', '--group-by', 'district', '--json', ...db, ...now]));
    const units = json(cli(['status', '--group-by', 'unit', '--json', ...db, ...now]));
    const head = (await backend.indexableEventPositions()).length;
    const caughtUp = await backend.rows('rm_');

    const threaded = json(cli(['rebuild', '--json', ...db, ...now]));
    expect(threaded).toMatchObject({ applied: expect.any(Number), readerThreads: expect.any(Number) });
    expect(threaded.readerThreads).toBeGreaterThanOrEqual(1);
    expect(threaded.checkpoint).toBe(threaded.head);
    expect(await backend.rows('rm_')).toEqual(caughtUp);

    const oneThread = json(cli(['rebuild', '--threads', '0', '--json', ...db, ...now]));
    expect(oneThread).toMatchObject({ applied: threaded.applied, readerThreads: 0 });
    expect(await backend.rows('rm_')).toEqual(caughtUp);

    const two = json(cli(['rebuild', '--threads', '2', '--json', ...db, ...now]));
    // readerThreads counts the threads that read at least one page: the later to start may find none left.
    expect(two).toMatchObject({ applied: threaded.applied });
    expect([1, 2]).toContain(two.readerThreads);
    expect(await backend.rows('rm_')).toEqual(caughtUp);

    const beside = json(cli(['rebuild', '--beside', '--drop-old', '--json', ...db, ...now]));
    expect(beside).toMatchObject({ from: 'rm_', to: 'rm_v2_', dropped: true, readerThreads: expect.any(Number) });
    expect(beside.readerThreads).toBeGreaterThanOrEqual(1);
    expect(await backend.rows('rm_v2_')).toEqual(caughtUp);

    expect(json(cli(['status', '--group-by', 'district', '--json', ...db, ...now]))).toEqual(districts);
    expect(json(cli(['status', '--group-by', 'unit', '--json', ...db, ...now]))).toEqual(units);
    expect(head).toBeGreaterThan(LARGE_CATCH_UP);
  });

  it('runs in a Node with the larger young generation, and a SIGTERM to it stops that Node too', async () => {
    const parent = spawn(process.execPath, [MAIN, 'rebuild', ...db, ...now], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
    await until('the rebuild started again with the flag', () => processesNaming(YOUNG_GENERATION_FLAG).some((c) => c.includes(file)));
    parent.kill('SIGTERM');
    expect(await exited).toBe(128 + 15);
    await until('no process left on the ledger', () => processesNaming(file).length === 0, 5000);
    // What the stopped rebuild left is rebuilt by the next one.
    expect(cli(['rebuild', ...db, ...now]).code).toBe(0);
    expect(cli(['status', '--group-by', 'district', ...db, ...now]).code).toBe(0);
  });

  it('loads the CLI only in the Node it starts again, not also in the one that starts it', () => {
    // Each process writes, as it exits, the module files it loaded.
    const preload = join(tmp.dir, 'loaded.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(tmp.dir)} + '/loaded-' + (process.env.MINSHENG_RESTARTED ? 'again' : 'first') + '.txt', Object.keys(require.cache).join('\\n')));\n`,
    );
    expect(cli(['rebuild', ...db, ...now], { NODE_OPTIONS: `--require ${preload}` }).code).toBe(0);
    const loaded = (which: string) => readFileSync(join(tmp.dir, `loaded-${which}.txt`), 'utf8').split('\n');
    const program = join('packages', 'cli', 'dist', 'program.js');
    expect(loaded('first').filter((f) => f.endsWith(program))).toEqual([]);
    expect(loaded('again').filter((f) => f.endsWith(program))).toHaveLength(1);
  });

  it('says so in words, and refuses a thread count that is not one', () => {
    const r = cli(['rebuild', '--threads', '1', ...db, ...now]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rebuilt the read model from \d+ events in \d+\.\d\d s \(\d+ events\/s, reading in 1 thread beside this one\)\n$/);
    for (const bad of ['-1', '1.5', 'many', '65']) {
      const refused = cli(['rebuild', '--threads', bad, ...db, ...now]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`minsheng: --threads must be a whole number from 0 to 64, not "${bad}"\n`);
    }
  });

  it('a worker whose read model an upgrade dropped catches up in threads, and leaves the rows a rebuild writes', async () => {
    const version = (await backend.active())!;
    // The read model as an older release left it: the worker's open drops it, and it replays the whole log.
    const conn = new Database(file);
    conn.prepare(`UPDATE ${version}meta SET value = '2' WHERE key = 'schema_version'`).run();
    conn.close();
    const w = new WorkerProcess('bulk', [...db, ...now, '--lease-ms', '3000', '--poll-ms', '100']);
    try {
      const caughtUp = await w.waitFor((l) => l.event === 'bulk', 60_000);
      expect(caughtUp).toMatchObject({ readModel: version, checkpoint: expect.any(Number), readerThreads: expect.any(Number), stopped: null });
      expect(caughtUp.applied).toBe(caughtUp.checkpoint);
      expect(caughtUp.applied).toBeGreaterThan(LARGE_CATCH_UP);
      expect(caughtUp.readerThreads).toBeGreaterThanOrEqual(1);
      // Completions the sweep records are applied next: wait until the log stops growing and all of it is applied.
      const status = async () => jsonOf<{ head: number; projections: { lag: number }[] }>(await cliAsync(['worker', '--status', '--json', ...db]));
      let last = -1;
      await until('the worker to apply the whole log, and the log to stop growing', async () => {
        const s = await status();
        const settled = s.projections[0]!.lag === 0 && s.head === last;
        last = s.head;
        if (!settled) await sleep(300);
        return settled;
      }, 30_000);
    } finally {
      w.kill('SIGTERM');
    }
    expect((await w.exited).code).toBe(0);
    const rows = await backend.rows(version);
    expect(cli(['rebuild', ...db, ...now]).code).toBe(0);
    expect(await backend.rows(version)).toEqual(rows);
  });

  it('worker --threads is refused unless a whole number from 0 to 64, with nothing started', () => {
    for (const bad of ['-1', '1.5', 'many', '65', '', '0x2', '2e0']) {
      const refused = cli(['worker', '--threads', bad, ...db, ...now]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`minsheng: --threads must be a whole number from 0 to 64, not "${bad}"\n`);
      expect(refused.stdout).toBe('');
    }
  });
});
