import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { chainHashV2, type StoredEvent } from '@minsheng/core';
import { expectRefusal } from './testing/flows';
import { cli, SEED, tempDir } from './testing/run-cli';

const VERIFY = resolve(__dirname, '../../verify/dist/main.js');
const verifier = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, [VERIFY, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Changes the figure of the event at `position` and recomputes every hash after it: a rewrite `verify` alone cannot see. */
const rewriteHistory = (file: string, position: number): void => {
  const db = new Database(file);
  db.exec('DROP TRIGGER events_no_update');
  type Row = { event_id: string; type: string; schema_version: number; data: string; metadata: string; stream: string; revision: number; position: number; stored_at: string; prev_hash: string };
  const rows = db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position').all(position) as Row[];
  let prev = rows[0]!.prev_hash;
  for (const r of rows) {
    const data = JSON.parse(r.data) as Record<string, unknown>;
    // Task 1's first target, 73 stations, lowered to 37: a figure an intruder would want changed.
    if (r.position === position) (data['target'] as { value: string }).value = '37';
    const e = { eventId: r.event_id, type: r.type, schemaVersion: r.schema_version, data, metadata: JSON.parse(r.metadata) } as unknown as StoredEvent;
    const hash = chainHashV2(prev, r.stream, r.revision, r.position, r.stored_at, e);
    db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?').run(JSON.stringify(data), prev, hash, r.position);
    prev = hash;
  }
  db.close();
};

describe('checkpoints, proofs and the independent verifier', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];
  const key = join(tmp.dir, 'harbin.key');
  const cps = join(tmp.dir, 'checkpoints');
  const file = (name: string) => join(tmp.dir, name);

  beforeAll(() => {
    expect(cli(['init', ...at]).code).toBe(0);
    expect(cli(['plan', 'import', SEED, ...at]).code).toBe(0);
    expect(cli(['keys', 'new', 'harbin-ledger', '--out', key]).code).toBe(0);
    spawnSync('mkdir', [cps]);
  });
  afterAll(() => tmp.remove());

  it('makes keys once: a second `keys new` to the same file is refused and nothing is replaced', () => {
    const before = readFileSync(key, 'utf8');
    expectRefusal(cli(['keys', 'new', 'harbin-ledger', '--out', key]), 2, /exists already; nothing was written \(a key is never replaced\)$/);
    expect(readFileSync(key, 'utf8')).toBe(before);
    expectRefusal(cli(['keys', 'new', 'has space', '--out', file('x.key')]), 2, /may not hold spaces/);
  });

  it('keeps checkpoints, proves inclusion and consistency, and minsheng-verify says yes', () => {
    const first = cli(['checkpoint', '--key', key, '--out', cps, ...at]);
    expect(first.stdout).toMatch(/^wrote a checkpoint of \d+ events to .*checkpoint-\d+\.txt\n$/);
    const r = cli(['report', '--task', '13', '--metric', 't13-gas-pipe-renewal', '--place', '道里区', '--value', '120', '--as-of', '2024-09-30', '--responsible-unit', '市住建局', ...at]);
    expect(r.code).toBe(0);
    const eventId = /recorded report (\S+)/.exec(r.stdout)![1]!;
    expect(cli(['checkpoint', '--key', key, '--out', cps, ...at]).code).toBe(0);
    const [older, newer] = readdirSync(cps).map((f) => join(cps, f)).sort((a, b) => a.length - b.length || a.localeCompare(b));
    const v = cli(['verify', '--checkpoint', newer!, '--key', `${key}.pub`, ...at]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/the log extends the checkpoint of .* signed by harbin-ledger/);

    const inclusion = cli(['prove', eventId, '--checkpoint', newer!, '--key', `${key}.pub`, ...at]);
    expect(inclusion.code).toBe(0);
    writeFileSync(file('inclusion.json'), inclusion.stdout);
    const consistency = cli(['prove', '--from', older!, '--to', newer!, '--key', `${key}.pub`, ...at]);
    expect(consistency.code).toBe(0);
    writeFileSync(file('consistency.json'), consistency.stdout);
    expect(cli(['export', '--events', '--out', file('events.jsonl'), ...at]).code).toBe(0);

    const yes = verifier(['--key', `${key}.pub`, '--checkpoint', newer!, '--log', file('events.jsonl'), '--proof', file('inclusion.json')]);
    expect(yes.stderr).toBe('');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(new RegExp(`yes: event ${eventId} \\(ProgressReported, position \\d+\\) is in the log`));
    const cons = verifier(['--key', `${key}.pub`, '--checkpoint', older!, '--checkpoint', newer!, '--proof', file('consistency.json')]);
    expect(cons.code).toBe(0);
    expect(cons.stdout).toMatch(/yes: the log of \d+ events extends the log of \d+ unchanged/);

    // A checkpoint altered after signing, and an exported event altered, are both a no.
    writeFileSync(file('altered.txt'), readFileSync(newer!, 'utf8').replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) - 1}\n`));
    expect(verifier(['--key', `${key}.pub`, '--checkpoint', file('altered.txt'), '--log', file('events.jsonl')])).toMatchObject({ code: 3, stderr: expect.stringMatching(/does not verify/) });
    writeFileSync(file('bad.jsonl'), readFileSync(file('events.jsonl'), 'utf8').replace('"120"', '"121"'));
    expect(verifier(['--key', `${key}.pub`, '--checkpoint', newer!, '--log', file('bad.jsonl')])).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^minsheng-verify: no: .*bad\.jsonl: event at position \d+ \(.*\) fails: stored hash does not match the event's content\n$/),
    });
  });

  it('finds a history rewritten with every hash recomputed, which verify alone passes', () => {
    const cp = readdirSync(cps).map((f) => join(cps, f)).sort((a, b) => b.length - a.length || b.localeCompare(a))[0]!;
    const copy = file('rewritten.db');
    copyFileSync(db, copy);
    rewriteHistory(copy, 3);
    // The read model remembers the hash of the last event it applied: the intruder rebuilds it too.
    expect(cli(['rebuild', '--db', copy]).code).toBe(0);
    const plain = cli(['verify', '--db', copy]);
    expect(plain.stderr).not.toMatch(/^minsheng:/m);
    expect(plain.code).toBe(0);
    // verify prints its progress on stderr, then the one-line reason.
    const checked = cli(['verify', '--db', copy, '--checkpoint', cp, '--key', `${key}.pub`]);
    expect(checked.code).toBe(3);
    expect(checked.stderr.trimEnd().split('\n').pop()).toMatch(
      /^minsheng: event at position 3 \(\S+\) fails verification: it differs from the event the Merkle tree recorded when it was appended$/,
    );
  });
});
