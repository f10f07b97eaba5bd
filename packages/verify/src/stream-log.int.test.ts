import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from './checkpoint';
import type { LogEntry } from './entry';
import { Exit } from './exit';
import { newSignerKey, parseSignerKey, type SignerKey } from './keys';
import { checkLog, isFault } from './log';
import { run } from './main';
import { MemoryTree, RightEdge } from './tree';
import { leafHash } from './merkle';
import { chain, lines } from './testing/chain';

let dir: string;
let signer: SignerKey;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minsheng-verify-'));
  const k = newSignerKey('harbin-ledger');
  signer = parseSignerKey(k.signer) as SignerKey;
  writeFileSync(join(dir, 'key.pub'), k.verifier);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const checkpointOf = (log: readonly LogEntry[], size: number, name = `cp-${size}.txt`): string => {
  const tree = checkLog(log.slice(0, size));
  if (isFault(tree)) throw new Error(tree.reason);
  return file(name, signCheckpoint({ origin: 'harbin-2024', size, root: tree.tree.root(), time: '2025-01-05T02:00:00.000Z' }, signer));
};

/** The CLI's answer: its exit code and what it printed (or the one line of its refusal). */
const verify = async (...args: string[]): Promise<{ code: number; out: string[] }> => {
  const out: string[] = [];
  try {
    return { code: await run(['--key', join(dir, 'key.pub'), ...args], (l) => out.push(l)), out };
  } catch (err) {
    if (err instanceof Exit) return { code: err.code, out: [...out, err.message] };
    throw err;
  }
};

describe('minsheng-verify --log, streamed', () => {
  it('keeps only the right edge, yet has the root of a whole tree at every size', () => {
    const tree = new MemoryTree();
    const edge = new RightEdge();
    for (let n = 0; n <= 70; n++) {
      expect(edge.root().toString('hex')).toBe(tree.root().toString('hex'));
      const leaf = leafHash(`leaf ${n}`);
      tree.append(leaf);
      edge.append(leaf);
    }
  });

  it('checks a log against the checkpoints whose sizes it passes, and says yes', async () => {
    const log = chain(37);
    const events = file('events.jsonl', lines(log));
    const r = await verify('--checkpoint', checkpointOf(log, 37), '--checkpoint', checkpointOf(log, 20), '--log', events);
    expect(r.code).toBe(0);
    expect(r.out.slice(2)).toEqual([
      `yes: ${events}: 37 events; every hash and link holds; head hash ${log[36]!.hash}`,
      `yes: the first 20 events of ${events} have the root the checkpoint of 2025-01-05T02:00:00.000Z signs`,
      `yes: the first 37 events of ${events} have the root the checkpoint of 2025-01-05T02:00:00.000Z signs`,
    ]);
  });

  it('names the line of a log cut short in the middle of an event', async () => {
    const log = chain(12);
    const text = lines(log);
    const cut = file('cut.jsonl', text.slice(0, text.length - 40));
    expect(await verify('--checkpoint', checkpointOf(log, 12), '--log', cut)).toEqual({
      code: 3,
      out: [expect.stringMatching(/^yes: checkpoint /), expect.stringMatching(new RegExp(`^no: ${cut} line 12 is not JSON, cut short or damaged \\(.+\\)$`))],
    });
  });

  it('names the line of a garbled event, and of a line that is JSON but not an event', async () => {
    const log = chain(9);
    const rows = lines(log).split('\n');
    const cp = checkpointOf(log, 9);
    const garbled = file('garbled.jsonl', rows.map((l, i) => (i === 4 ? l.replace('"position":5', '"position":5x') : l)).join('\n'));
    expect((await verify('--checkpoint', cp, '--log', garbled)).out[1]).toMatch(new RegExp(`^no: ${garbled} line 5 is not JSON, cut short or damaged \\(.+\\)$`));
    const noHash = file('nohash.jsonl', rows.map((l, i) => (i === 6 ? JSON.stringify({ ...log[6]!, hash: undefined }) : l)).join('\n'));
    expect((await verify('--checkpoint', cp, '--log', noHash)).out[1]).toBe(`no: ${noHash} line 7 is not an exported event: its "hash" is not a string`);
    const notObject = file('array.jsonl', rows.map((l, i) => (i === 2 ? '[1,2]' : l)).join('\n'));
    expect((await verify('--checkpoint', cp, '--log', notObject)).out[1]).toBe(`no: ${notObject} line 3 is not an exported event: it is not a JSON object`);
  });

  it('says no to a log shorter than its checkpoint, and to one whose history was rewritten', async () => {
    const log = chain(16);
    const cp = checkpointOf(log, 16);
    const short = file('short.jsonl', lines(log.slice(0, 15)));
    expect((await verify('--checkpoint', cp, '--log', short)).out[1]).toBe(`no: ${short} has 15 events; the checkpoint signs 16: events were removed`);
    // Position 3 changed and every later hash recomputed: the chain holds, the root does not.
    const rewritten = file('rewritten.jsonl', lines(chain(16, 3)));
    const r = await verify('--checkpoint', cp, '--log', rewritten);
    expect(r.code).toBe(3);
    expect(r.out[1]).toMatch(new RegExp(`^no: the first 16 events of ${rewritten} have the root [0-9a-f]{64}; the checkpoint signs [0-9a-f]{64}: history was rewritten$`));
  });

  it('cannot read a log that is not there (exit 1)', async () => {
    const log = chain(2);
    expect(await verify('--checkpoint', checkpointOf(log, 2), '--log', join(dir, 'missing.jsonl'))).toMatchObject({ code: 1, out: [expect.anything(), `cannot read ${join(dir, 'missing.jsonl')}: ENOENT`] });
  });
});
