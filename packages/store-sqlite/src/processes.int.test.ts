import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chainVerifier, ledgerRegistry } from '@minsheng/core';
import { iterateAll, type EventStore } from '@minsheng/event-store';
import { makeTestEvents, ok } from '@minsheng/event-store/testing';
import { freshLedgerFile } from './contract-harness';
import { createSqliteEventStore } from './store';

/*
 * Real OS processes on one file: the children run the built package (dist), so this
 * file builds it first. `pnpm test` builds anyway; this keeps `jest` alone honest.
 */
const root = join(__dirname, '..', '..', '..');
const fixture = (name: string) => join(__dirname, '..', 'dist', 'fixtures', `${name}.js`);

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'packages/store-sqlite'], { cwd: root, stdio: 'pipe' });
}, 120_000);

let dir: string;
let file: string;
beforeEach(() => ({ dir, file } = freshLedgerFile()));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const verifyChain = async (store: EventStore) => {
  const verifier = chainVerifier();
  for await (const e of iterateAll(store, { raw: true, batchSize: 2000 })) expect(verifier.check(e)).toEqual({ _tag: 'ChainOk' });
  return verifier.count;
};

interface Report {
  name: string;
  shared: number;
  conflicts: number;
}

const runAppenders = (names: string[], count: number, sharedEvery: number) =>
  new Promise<Report[]>((resolve, reject) => {
    const reports: Report[] = [];
    const errors: string[] = [];
    let ready = 0;
    let exited = 0;
    const children = names.map((name) => {
      const child = fork(fixture('appender'), [file, name, String(count), String(sharedEvery)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      child.stderr!.on('data', (d) => errors.push(String(d)));
      child.on('message', (m) => {
        if (m === 'ready' && ++ready === names.length) children.forEach((c) => c.send('go'));
        else if (typeof m === 'object') reports.push(m as Report);
      });
      child.on('exit', (code) => {
        if (code !== 0) errors.push(`${name} exited with ${code}`);
        if (++exited === names.length) (errors.length ? reject(new Error(errors.join('\n'))) : resolve(reports));
      });
      return child;
    });
  });

describe('two processes appending to one file', () => {
  it('surface no error but ConcurrencyError, lose no event, and leave gap-free positions and a valid chain', async () => {
    const count = 3000;
    const sharedEvery = 10;
    const reports = await runAppenders(['daoli', 'nangang'], count, sharedEvery);
    expect(reports).toHaveLength(2);

    const store = createSqliteEventStore({ file, registry: ledgerRegistry });
    const sharedTotal = 2 * Math.ceil(count / sharedEvery);
    for (const name of ['daoli', 'nangang']) {
      const own = await ok(store.readStream(`progress-${name}`));
      expect(own.map((e) => e.revision)).toEqual(own.map((_, i) => i));
      expect(own.map((e) => (e.data as { figure: { value: string } }).figure.value)).toEqual(own.map((_, i) => String(i)));
      expect(own).toHaveLength(count);
    }
    const shared = await ok(store.readStream('progress-shared-city'));
    expect(shared).toHaveLength(sharedTotal);
    expect(reports.reduce((n, r) => n + r.shared, 0)).toBe(sharedTotal);

    const head = await ok(store.headPosition());
    expect(head).toBe(2 * count + sharedTotal);
    const positions = (await ok(store.readAll())).map((e) => e.position);
    expect(positions).toEqual(positions.map((_, i) => i + 1));
    expect(await verifyChain(store)).toBe(head);
    await store.close();
  }, 120_000);
});

describe('durability', () => {
  it.each([['full'], ['normal']])('keeps every returned append of a process SIGKILLed right after it (synchronous=%s)', async (synchronous) => {
    const child = spawnSync(process.execPath, [fixture('append-then-die'), file, 'progress-7-daoli', synchronous], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    const positions = JSON.parse(child.stdout) as number[];
    expect(positions).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    // The commits sit in the write-ahead log, which the killed process never checkpointed.
    expect(existsSync(`${file}-wal`) && statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const store = createSqliteEventStore({ file, registry: ledgerRegistry });
    const events = await ok(store.readStream('progress-7-daoli'));
    expect(events.map((e) => e.position)).toEqual(positions);
    expect(await verifyChain(store)).toBe(70);
    expect(await ok(store.append('progress-7-daoli', makeTestEvents(1), 69))).toMatchObject({ positions: [71] });
    await store.close();
  }, 60_000);
});
