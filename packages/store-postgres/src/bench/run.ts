import { ledgerRegistry } from '@minsheng/core';
import { ANY, type EventStore } from '@minsheng/event-store';
import { makeTestEvents } from '@minsheng/event-store/testing';
import type { TaskEither } from 'fp-ts/TaskEither';
import { createPostgresEventStore } from '../store';
import { startTestPostgres } from '../testing/postgres';

/*
 * A quick measurement on a throwaway embedded server (or $DATABASE_URL):
 *   node packages/store-postgres/dist/bench/run.js            fsync on, as in production
 *   node packages/store-postgres/dist/bench/run.js --no-fsync the settings the tests use
 */

const must = async <A>(te: TaskEither<{ readonly message: string }, A>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

const timed = async (what: string, count: number, unit: string, f: () => Promise<void>): Promise<void> => {
  const start = process.hrtime.bigint();
  await f();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${what.padEnd(58)} ${String(Math.round(count / seconds)).padStart(8)} ${unit}/s   (${count} in ${seconds.toFixed(2)} s)`);
};

const inParallel = (writers: number, each: number, f: (writer: number, i: number) => Promise<void>) =>
  Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) await f(w, i);
    }),
  ).then(() => undefined);

const run = async () => {
  const durable = !process.argv.includes('--no-fsync');
  const pg = await startTestPostgres({ durable });
  console.log(`PostgreSQL ${pg.external ? 'from $DATABASE_URL' : `embedded, fsync ${durable ? 'on' : 'off'}`}; Node ${process.version}`);
  let store: EventStore | undefined;
  try {
    const url = await pg.createDatabase('minsheng_bench');
    store = await createPostgresEventStore({ connectionString: url, registry: ledgerRegistry, poolSize: 8 });
    const s = store;
    // Warm-up: JIT, the pool's connections and their prepared statements.
    for (const e of makeTestEvents(300)) await must(s.append('progress-warm-up', [e], ANY));
    const SINGLE = 2000;
    const events = makeTestEvents(SINGLE);
    await timed('single appends, one writer (1 event each)', SINGLE, 'appends', async () => {
      for (let i = 0; i < SINGLE; i++) await must(s.append(`progress-${i % 20}`, [events[i]!], ANY));
    });
    const concurrent = makeTestEvents(SINGLE);
    await timed('single appends, 8 concurrent writers', SINGLE, 'appends', () =>
      inParallel(8, SINGLE / 8, (w, i) => must(s.append(`progress-${w}`, [concurrent[w * (SINGLE / 8) + i]!], ANY)).then(() => undefined)),
    );
    await timed('batch appends of 500 events', 100_000, 'events', async () => {
      for (let b = 0; b < 200; b++) await must(s.append(`progress-batch-${b % 10}`, makeTestEvents(500), ANY));
    });
    const head = await must(s.headPosition());
    console.log(`log holds ${head} events`);

    const READS = 2000;
    await timed('readEvent by id, one reader', READS, 'reads', async () => {
      for (let i = 0; i < READS; i++) await must(s.readEvent(events[i % SINGLE]!.eventId));
    });
    await timed('readStream last event (backward, 1), one reader', READS, 'reads', async () => {
      for (let i = 0; i < READS; i++) await must(s.readStream(`progress-${i % 20}`, { direction: 'backward', maxCount: 1 }));
    });
    await timed('readStream last event, 8 concurrent readers', READS, 'reads', () =>
      inParallel(8, READS / 8, (w) => must(s.readStream(`progress-${w}`, { direction: 'backward', maxCount: 1 })).then(() => undefined)),
    );
    await timed('readAll pages of 500 near the start of the log', 100 * 500, 'events', async () => {
      for (let i = 0; i < 100; i++) await must(s.readAll({ fromPosition: 300 + (i % 10) * 500, maxCount: 500 }));
    });
    await timed('readAll pages of 500 near the end of the log', 100 * 500, 'events', async () => {
      for (let i = 0; i < 100; i++) await must(s.readAll({ fromPosition: head - 5000 + (i % 10) * 500, maxCount: 500 }));
    });
    await timed('readAll whole log, pages of 1000, upcast and checked', head, 'events', async () => {
      for (let from = 0; from < head; ) {
        const page = await must(s.readAll({ fromPosition: from, maxCount: 1000 }));
        from = page[page.length - 1]!.position;
      }
    });
  } finally {
    await store?.close();
    await pg.stop();
  }
};

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
