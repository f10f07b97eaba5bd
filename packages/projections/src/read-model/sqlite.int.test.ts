import { chainHash, GENESIS_HASH, newEventId, type Figure, type StoredEvent } from '@minsheng/core';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inForce } from '../audit/replay';
import { createSqliteReadModel, ReadModelVersionError } from './sqlite';

/** A deterministic PRNG so a failing case can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

const DAY = 24 * 3600 * 1000;

describe('the SQLite ledger index', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minsheng-rm-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Random reports, corrections and retractions of one metric over three places. */
  const history = (seed: number, n: number): StoredEvent[] => {
    const rnd = prng(seed);
    const places = ['a', 'b', 'c'];
    const events: StoredEvent[] = [];
    const reports: { id: string; place: string }[] = [];
    let prev = GENESIS_HASH;
    for (let i = 1; i <= n; i++) {
      const recordedAt = new Date(Date.UTC(2024, 0, 1) + i * DAY).toISOString();
      const asOf = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * (i + 10)) * DAY).toISOString().slice(0, 10);
      const figure: Figure = { kind: 'quantity', value: String(Math.floor(rnd() * 100)), unit: '个' };
      const roll = rnd();
      const target = reports[Math.floor(rnd() * reports.length)];
      const head = { planId: 'p', task: 1, metric: 'm' };
      let type: string;
      let data: unknown;
      let stream: string;
      if (roll < 0.6 || !target) {
        const place = places[Math.floor(rnd() * places.length)]!;
        type = 'ProgressReported';
        data = { ...head, place, asOf, figure };
        stream = place;
      } else if (roll < 0.9) {
        type = 'ProgressCorrected';
        data = { ...head, place: target.place, corrects: target.id, asOf, figure, reason: 'fix' };
        stream = target.place;
      } else {
        type = 'ProgressRetracted';
        data = { ...head, place: target.place, retracts: target.id, reason: 'wrong' };
        stream = target.place;
      }
      const env = {
        eventId: newEventId(),
        type,
        schemaVersion: 1,
        data,
        metadata: { actor: { unit: 'u' }, recordedAt, correlationId: 'c' },
      };
      const hash = chainHash(prev, stream, i, env);
      events.push({ ...env, stream, revision: i, position: i, prevHash: prev, hash });
      prev = hash;
      if (type === 'ProgressReported') reports.push({ id: env.eventId, place: stream });
    }
    return events;
  };

  it('answers "which figure is in force" exactly as replaying the trail does, at every asOf and knownAt', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rm = createSqliteReadModel({ file: join(dir, `rm-${seed}.db`) });
      const events = history(seed, 120);
      expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 50))).toBe('applied');
      expect(await rm.writer.applyBatch('ledger-index', 50, events.slice(50))).toBe('applied');
      const { versions, retractions } = await rm.reader.history('p', 'm', null);
      expect(versions.length + retractions.length).toBe(120);
      for (let k = 0; k <= 130; k += 7)
        for (let a = 0; a <= 140; a += 9) {
          const at = {
            knownAt: Date.UTC(2024, 0, 1) + k * DAY,
            asOf: new Date(Date.UTC(2024, 0, 1) + a * DAY).toISOString().slice(0, 10),
          };
          const sql = (await rm.reader.effectiveFigures('p', 'm', at)).map((v) => v.eventId).sort();
          const replay = inForce(versions, retractions, at).map((v) => v.eventId).sort();
          expect({ seed, at, sql }).toEqual({ seed, at, sql: replay });
        }
      rm.close();
    }
  });

  it('commits a batch only when the checkpoint is where the caller saw it', async () => {
    const rm = createSqliteReadModel({ file: join(dir, 'cas.db') });
    const events = history(9, 10);
    expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 5))).toBe('applied');
    // A second worker that also read from 0 must not apply the same events again.
    expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 5))).toBe('checkpoint-moved');
    expect(await rm.reader.checkpoint()).toBe(5);
    const { versions, retractions } = await rm.reader.history('p', 'm', null);
    expect(versions.length + retractions.length).toBe(5);
    rm.close();
  });

  it('rolls back rows and checkpoint together when a batch fails half way', async () => {
    const rm = createSqliteReadModel({ file: join(dir, 'atomic.db') });
    const events = history(11, 6);
    expect(await rm.writer.applyBatch('ledger-index', 0, events.slice(0, 3))).toBe('applied');
    const dup = [events[3]!, events[4]!, { ...events[1]!, position: 6 }];
    await expect(rm.writer.applyBatch('ledger-index', 3, dup)).rejects.toThrow(/positions 4\.\.6 failed: UNIQUE constraint failed/);
    expect(await rm.reader.checkpoint()).toBe(3);
    expect((await rm.reader.history('p', 'm', null)).versions.length + (await rm.reader.history('p', 'm', null)).retractions.length).toBe(3);
    rm.close();
  });

  it('refuses a file whose read model is newer than this library', () => {
    const file = join(dir, 'newer.db');
    createSqliteReadModel({ file }).close();
    const db = new Database(file);
    db.prepare(`UPDATE rm_meta SET value = '99' WHERE key = 'schema_version'`).run();
    db.close();
    expect(() => createSqliteReadModel({ file })).toThrow(ReadModelVersionError);
    expect(() => createSqliteReadModel({ file })).toThrow(/schema version 99, newer than this library's 1/);
  });
});
