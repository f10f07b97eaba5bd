import { chainHashV2, type StoredEvent } from '@minsheng/core';
import type { Checkpoint, LogFault } from '@minsheng/verify';
import { NO_STREAM } from '../expected-revision';
import { logTreeView } from '../log-audit';
import type { EventStore } from '../port';
import { makeTestEvents } from './factory';
import { ok } from './harness';

/*
 * What the tamper suites of the stores share (issue 16: random single changes to a ledger, each
 * found by `verify --checkpoint`): the kinds of change, a seeded generator, one changed byte.
 */

/** The changes an intruder with the database's owner rights makes, one per case. */
export const TAMPER_KINDS = ['payload', 'hash', 'prev_hash', 'deleted row', 'reordered pair', 'forged row, chain recomputed', 'forged head row, chain recomputed'] as const;
export type TamperKind = (typeof TAMPER_KINDS)[number];

/** A deterministic generator (mulberry32), so a failure can be replayed by its case number. */
export const tamperRandom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** One byte of `text` at `at` changed to another printable ASCII character. */
export const changeByte = (text: string, at: number, rnd: () => number): string => {
  const old = text.charCodeAt(at);
  let c = old;
  while (c === old) c = 0x20 + Math.floor(rnd() * 95);
  return text.slice(0, at) + String.fromCharCode(c) + text.slice(at + 1);
};

/** Events in the log a tamper suite damages: eight single appends of 3, then one batch of 10 and 6. */
export const TAMPER_EVENTS = 40;

/** Fills a fresh store with the suite's log and returns the checkpoint of it an auditor kept. */
export const tamperLog = async (store: EventStore): Promise<Checkpoint> => {
  for (let i = 0; i < 8; i++) await ok(store.append(`progress-s${i}`, makeTestEvents(3), NO_STREAM));
  await ok(store.appendBatches([
    { stream: 'progress-b1', events: makeTestEvents(10), expected: NO_STREAM },
    { stream: 'progress-b2', events: makeTestEvents(6), expected: NO_STREAM },
  ]));
  const tree = await logTreeView(store);
  expect(tree.size).toBe(TAMPER_EVENTS);
  return { origin: 'tamper-suite', size: tree.size, root: await tree.root(), time: '2025-01-05T02:00:00.000Z' };
};

/**
 * Up to `count` cases, within `budgetMs`: case n applies kind n mod 7 with the generator seeded
 * n + 1 (`tamper` returns the position verify must name), then `check` answers as verify
 * --checkpoint does. Every case whose first bad position was not named is listed; a line on
 * stderr says how many ran of each kind.
 */
export const runTamperings = async (options: {
  readonly label: string;
  readonly count: number;
  readonly budgetMs: number;
  readonly tamper: (kind: TamperKind, rnd: () => number) => Promise<number> | number;
  readonly check: () => Promise<{ tree: unknown } | LogFault>;
  /** After each case (a store that restores its ledger). */
  readonly after?: () => Promise<void>;
}): Promise<{ cases: number; missed: string[] }> => {
  const started = Date.now();
  const missed: string[] = [];
  const byKind = new Map<string, number>();
  let n = 0;
  for (; n < options.count && Date.now() - started < options.budgetMs; n++) {
    const kind = TAMPER_KINDS[n % TAMPER_KINDS.length]!;
    const expected = await options.tamper(kind, tamperRandom(n + 1));
    const r = await options.check();
    const named = 'reason' in r ? r.position : null;
    if (named !== expected) missed.push(`case ${n} (${kind}): expected position ${expected}, verify said ${named === null ? 'nothing' : `${named}: ${'reason' in r ? r.reason : ''}`}`);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    await options.after?.();
  }
  process.stderr.write(`${options.label}: ${n} tamperings in ${Date.now() - started} ms (${[...byKind].map(([k, c]) => `${k} ${c}`).join(', ')})\n`);
  return { cases: n, missed };
};

/** A stored row as a forger reads it: its place, its time as stored (ISO, milliseconds) and its canonical JSON texts. */
export interface ForgedRow {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly storedAt: string;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
}

/** The chain over `rows` (in order) from `prev` on, recomputed as a forger who knows the hashing would (hash v2). */
export const rechained = (prev: string, rows: readonly ForgedRow[]): Array<{ position: number; prevHash: string; hash: string }> =>
  rows.map((r) => {
    const e = { eventId: r.eventId, type: r.type, schemaVersion: r.schemaVersion, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) } as unknown as StoredEvent;
    const link = { position: r.position, prevHash: prev, hash: chainHashV2(prev, r.stream, r.revision, r.position, r.storedAt, e) };
    prev = link.hash;
    return link;
  });
