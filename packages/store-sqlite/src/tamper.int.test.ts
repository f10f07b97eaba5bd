import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ledgerRegistry } from '@minsheng/core';
import { checkLogAgainst } from '@minsheng/event-store';
import { changeByte, runTamperings, TAMPER_EVENTS as EVENTS, TAMPER_KINDS as KINDS, rechained, tamperLog, type TamperKind } from '@minsheng/event-store/testing';
import type { Checkpoint } from '@minsheng/verify';
import { freshLedgerFile } from './contract-harness';
import { createSqliteEventStore } from './store';

/*
 * The tamper suite of issue 16: random single changes to a ledger file, each made as an intruder
 * with the file would (append-only triggers dropped), each found by the check behind
 * `minsheng verify --checkpoint`, which names the first bad position; and untouched copies pass.
 * Bounded by count and by time, so CI stays short.
 */
const TAMPERINGS = 1000;
const BUDGET_MS = 45_000;

let dir: string;
let image: Buffer;
let checkpoint: Checkpoint;

beforeAll(async () => {
  let file: string;
  ({ dir, file } = freshLedgerFile());
  const store = createSqliteEventStore({ file, registry: ledgerRegistry });
  checkpoint = await tamperLog(store);
  await store.close();
  const db = new Database(file);
  // Copies are opened in memory from this image: a WAL-mode image does not open there.
  db.pragma('journal_mode = DELETE');
  image = db.serialize();
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rehashes every row from `from` on, as a forger who knows the hashing would. */
const rechain = (db: Database.Database, from: number): void => {
  type Stored = { event_id: string; type: string; schema_version: number; data: string; metadata: string; stream: string; revision: number; position: number; stored_at: string };
  const rows = db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position').all(from) as Stored[];
  const prev = from === 1 ? '0'.repeat(64) : (db.prepare('SELECT hash FROM events WHERE position = ?').pluck().get(from - 1) as string);
  const forged = rows.map((r) => ({ ...r, storedAt: r.stored_at, eventId: r.event_id, schemaVersion: r.schema_version }));
  for (const l of rechained(prev, forged)) db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?').run(l.prevHash, l.hash, l.position);
};

type Row = { position: number; data: string; hash: string; prev_hash: string };

/** Applies one tampering to a copy of the ledger; returns the position verify must name. */
const tamper = (db: Database.Database, kind: TamperKind, rnd: () => number): number => {
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP TRIGGER events_insert_at_head');
  const p = 1 + Math.floor(rnd() * EVENTS);
  const row = db.prepare('SELECT position, data, hash, prev_hash FROM events WHERE position = ?').get(p) as Row;
  switch (kind) {
    case 'payload':
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(changeByte(row.data, Math.floor(rnd() * row.data.length), rnd), p);
      return p;
    case 'hash':
      db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(changeByte(row.hash, Math.floor(rnd() * 64), rnd), p);
      return p;
    case 'prev_hash':
      db.prepare('UPDATE events SET prev_hash = ? WHERE position = ?').run(changeByte(row.prev_hash, Math.floor(rnd() * 64), rnd), p);
      return p;
    case 'deleted row':
      db.prepare('DELETE FROM events WHERE position = ?').run(p);
      return p;
    case 'reordered pair': {
      const q = p === EVENTS ? p - 1 : p;
      db.exec(`UPDATE events SET position = -1 WHERE position = ${q}; UPDATE events SET position = ${q} WHERE position = ${q + 1}; UPDATE events SET position = ${q + 1} WHERE position = -1`);
      return q;
    }
    case 'forged row, chain recomputed': {
      // A figure changed in a way that still parses, then every hash from there on recomputed.
      const data = JSON.parse(row.data) as Record<string, unknown>;
      data['note'] = `forged ${Math.floor(rnd() * 1e6)}`;
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), p);
      rechain(db, p);
      return p;
    }
    case 'forged head row, chain recomputed': {
      // A copy of an event added at the head with a fresh id, chained as the store chains.
      const last = db.prepare('SELECT * FROM events WHERE position = ?').get(EVENTS) as Record<string, unknown>;
      db.prepare(`INSERT INTO events (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(EVENTS + 1, `01JGZZZZZZZZZZZZZZZZZZ${String(Math.floor(rnd() * 9000) + 1000)}`, last['stream'], (last['revision'] as number) + 1,
        last['type'], last['schema_version'], row.data, last['metadata'], last['hash'], '', last['stored_at'], 2);
      rechain(db, EVENTS + 1);
      return EVENTS + 1;
    }
  }
};

const check = async (db: Database.Database) => {
  const store = createSqliteEventStore({ db, registry: ledgerRegistry });
  try {
    return await checkLogAgainst(store, checkpoint);
  } finally {
    await store.close();
  }
};

describe('verify --checkpoint against random tampering', () => {
  it('passes untouched copies (no false positive)', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await check(new Database(image));
      expect('reason' in r ? r : null).toBeNull();
    }
  });

  it(`finds each of up to ${TAMPERINGS} single tamperings and names the first bad position`, async () => {
    let db = new Database(image);
    const { cases, missed } = await runTamperings({
      label: 'tamper suite',
      count: TAMPERINGS,
      budgetMs: BUDGET_MS,
      tamper: (kind, rnd) => tamper((db = new Database(image)), kind, rnd),
      check: () => check(db),
    });
    expect(missed.slice(0, 10)).toEqual([]);
    expect(cases).toBeGreaterThan(KINDS.length);
  });
});
