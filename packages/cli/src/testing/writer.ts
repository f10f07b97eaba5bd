import { ledgerRegistry, type Clock } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createLedger, type LedgerFailure } from '@minsheng/ledger';
import { isLeft } from 'fp-ts/Either';
import {
  createPostgresReadModel,
  createSqliteReadModel,
  LEDGER_INDEX,
  postgresActiveVersion,
  sqliteActiveVersion,
  type ReadModelReader,
  type ReadModelWriter,
} from '@minsheng/projections';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import { createSqliteEventStore } from '@minsheng/store-sqlite';
import Database from 'better-sqlite3';
import type { Either } from 'fp-ts/Either';
import { Pool } from 'pg';
import { prng } from './processes';

/*
 * A writer that appends through the library, as an HTTP service would: reports, some
 * corrections and retractions, with projection left to workers (projectInline: false).
 * It reads the read model only to find the plan and the stream of a report to correct.
 */

/** District-level cumulative metrics and the unit that reports each. */
const METRICS = [
  { task: 1, metric: 't01-job-stations', by: 'hrss' },
  { task: 9, metric: 't09-elderly-home-adaptations', by: 'civil-affairs' },
  { task: 13, metric: 't13-gas-pipe-renewal', by: 'housing' },
  { task: 14, metric: 't14-fitness-paths', by: 'sport' },
  { task: 18, metric: 't18-old-heating-pipes', by: 'housing' },
  { task: 19, metric: 't19-rural-roads', by: 'transport' },
  { task: 19, metric: 't19-dangerous-bridges', by: 'transport' },
] as const;

const DISTRICTS = ['daoli', 'daowai', 'nangang', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng', 'shuangcheng', 'shangzhi',
  'wuchang', 'yilan', 'fangzheng', 'binxian', 'bayan', 'mulan', 'tonghe', 'yanshou'];

/** The ledger a writer appends to. */
export type WriterTarget = { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'sqlite'; readonly file: string };

interface Opened {
  readonly store: EventStore;
  readonly readModel: { reader: ReadModelReader; writer: ReadModelWriter };
  close(): Promise<void>;
}

const open = async (target: WriterTarget): Promise<Opened> => {
  if (target.kind === 'postgres') {
    const pool = new Pool({ connectionString: target.url, max: 4 });
    pool.on('error', () => undefined);
    const store = await createPostgresEventStore({ pool, registry: ledgerRegistry, migrate: false });
    const schema = await postgresActiveVersion(pool).active(LEDGER_INDEX);
    const readModel = await createPostgresReadModel({ pool, schema });
    return {
      store,
      readModel,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  }
  const store = createSqliteEventStore({ file: target.file, registry: ledgerRegistry, synchronous: 'normal' });
  const db = new Database(target.file);
  db.pragma('busy_timeout = 10000');
  const prefix = await sqliteActiveVersion(db).active(LEDGER_INDEX);
  const readModel = createSqliteReadModel({ db, prefix });
  return {
    store,
    readModel,
    close: async () => {
      await store.close();
      db.close();
    },
  };
};

export interface Writer {
  /** Events stored so far. */
  readonly written: () => number;
  /** Commands the ledger refused, by failure tag (corrections of reports the workers have not indexed yet, for one). */
  readonly refused: Record<string, number>;
  /** The writer's clock: every event it records later has a later recordedAt than this. */
  readonly clock: () => Date;
  /** Waits for the commands in flight, and holds new ones until resume(). */
  pause(): Promise<void>;
  resume(): void;
  /** Stops writing and closes the ledger. */
  stop(): Promise<void>;
}

/** Starts `loops` concurrent loops appending to `target`, choices drawn from `seed`. */
export const startWriter = async (target: WriterTarget, seed: number, loops = 2): Promise<Writer> => {
  const opened = await open(target);
  const rnd = prng(seed);
  // Recorded times move one second per reading, from March 2024 (as-of dates lie before that), or
  // from the latest event when an earlier writer went past it: a simulated ledger's clock moves forward only.
  let t = Date.parse('2024-03-01T01:00:00Z');
  const clock: Clock = { now: () => new Date((t += 1000)) };
  const ledger = createLedger({ store: opened.store, readModel: opened.readModel, clock, projectInline: false });
  const setting = await ledger.setting()();
  if (isLeft(setting)) throw new Error(setting.left.message);
  if (setting.right.head.recordedAt !== null) t = Math.max(t, Date.parse(setting.right.head.recordedAt));
  const reports: { id: string; by: string }[] = [];
  const retracted = new Set<string>();
  const refused: Record<string, number> = {};
  let written = 0;
  let stopped = false;
  let closing: Promise<void> | undefined;
  let paused: { resume: Promise<void>; release: () => void } | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const pick = <A>(xs: readonly A[]): A => xs[Math.floor(rnd() * xs.length)]!;
  /** A report old enough that the workers have most likely indexed it. */
  const older = (): { id: string; by: string } | undefined => (reports.length > 40 ? reports[Math.floor(rnd() * (reports.length - 30))] : undefined);
  const asOf = () => `2024-0${1 + Math.floor(rnd() * 2)}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;

  const step = async (): Promise<void> => {
    const roll = rnd();
    const m = pick(METRICS);
    const value = String(Math.floor(rnd() * 60));
    const target = older();
    let result: Either<LedgerFailure, { eventId: string }>;
    let isReport = false;
    if (roll < 0.1 && target) {
      result = await ledger.correct({ eventId: target.id, value, reason: `复核更正 ${value}`, responsibleUnit: target.by })();
    } else if (roll < 0.13 && target && !retracted.has(target.id)) {
      retracted.add(target.id);
      result = await ledger.retract({ eventId: target.id, reason: '误报', responsibleUnit: target.by })();
    } else {
      isReport = true;
      result = await ledger.report({ task: m.task, metric: m.metric, place: pick(DISTRICTS), asOf: asOf(), value, responsibleUnit: m.by, person: '张伟' })();
    }
    if (result._tag === 'Right') {
      written += 1;
      if (isReport) reports.push({ id: result.right.eventId, by: m.by });
    } else {
      refused[result.left._tag] = (refused[result.left._tag] ?? 0) + 1;
    }
  };

  const loop = async () => {
    while (!stopped) {
      // The SQLite store settles in microtasks only: yield, or this loop would starve timers and I/O.
      await new Promise<void>((r) => setImmediate(r));
      if (paused) {
        await paused.resume;
        continue;
      }
      inFlight += 1;
      try {
        await step();
      } finally {
        inFlight -= 1;
        if (inFlight === 0) idle?.();
      }
    }
  };
  const running = Promise.all(Array.from({ length: loops }, loop));

  return {
    written: () => written,
    refused,
    clock: () => new Date(t),
    pause: async () => {
      if (!paused) {
        let release = () => undefined as void;
        const resume = new Promise<void>((r) => (release = r));
        paused = { resume, release };
      }
      if (inFlight > 0) await new Promise<void>((r) => (idle = r));
      idle = undefined;
    },
    resume: () => {
      const p = paused;
      paused = undefined;
      p?.release();
    },
    stop: () =>
      (closing ??= (async () => {
        stopped = true;
        paused?.release();
        paused = undefined;
        await running;
        await opened.close();
      })()),
  };
};
