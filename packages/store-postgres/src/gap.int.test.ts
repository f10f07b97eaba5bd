import { chainVerifier, ledgerRegistry, type StoredEvent } from '@minsheng/core';
import { ANY, NO_STREAM, type AppendError, type AppendResult, type EventStore } from '@minsheng/event-store';
import { makeTestEvents, ok, waitFor } from '@minsheng/event-store/testing';
import type { Either } from 'fp-ts/Either';
import { openPostgresEventStore, type StoreHooks } from './store';
import { usePostgres } from './testing';

/*
 * The failure this file guards against: a writer takes position N, a second writer takes
 * N+1 and commits first, a reader moves past N+1, then N commits and is never read.
 * Appends here hold their transaction open for a while before committing, some roll
 * back, and readers poll the log all along.
 */

const pg = usePostgres();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let schemas = 0;
const freshSchema = () => `gap_${++schemas}`;

const open = (schema: string, hooks: StoreHooks = {}, poolSize = 2) =>
  openPostgresEventStore({ connectionString: pg.databaseUrl(), registry: ledgerRegistry, schema, poolSize }, hooks);

/** A gate a test opens by hand. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('gap safety: positions follow commit order', () => {
  let stores: EventStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  const track = async (s: Promise<EventStore>) => {
    const store = await s;
    stores.push(store);
    return store;
  };

  it('gap: a later writer waits for the one before it, and readers see neither until the first commits', async () => {
    const schema = freshSchema();
    const held = gate();
    const reached = gate();
    const slow = await track(
      open(schema, {
        beforeCommit: async () => {
          reached.open();
          await held.opened;
        },
      }),
    );
    const fast = await track(open(schema));
    const reader = await track(open(schema));

    const first = slow.append('progress-a', makeTestEvents(2), NO_STREAM)();
    await reached.opened;
    const second = fast.append('progress-b', makeTestEvents(1), NO_STREAM)();
    await sleep(100);
    expect(await ok(reader.headPosition())).toBe(0);
    expect(await ok(reader.readAll())).toEqual([]);

    held.open();
    expect(await ok(() => first)).toMatchObject({ positions: [1, 2] });
    expect(await ok(() => second)).toMatchObject({ positions: [3] });
    const log = await ok(reader.readAll({ raw: true }));
    expect(log.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(log[2]!.prevHash).toBe(log[1]!.hash);
  });

  it('gap: a rolled-back append leaves no hole; the next writer takes its positions', async () => {
    const schema = freshSchema();
    const reached = gate();
    const failing = await track(
      open(schema, {
        beforeCommit: async () => {
          reached.open();
          await sleep(50);
          throw new Error('the service crashed before COMMIT');
        },
      }),
    );
    const other = await track(open(schema));
    await ok(other.append('progress-a', makeTestEvents(1), NO_STREAM));

    const doomed = makeTestEvents(2);
    const rolledBack = failing.append('progress-a', doomed, 0)();
    await reached.opened;
    const next = other.append('progress-b', makeTestEvents(1), NO_STREAM)();

    const failed = await rolledBack;
    expect(failed).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreUnavailable' } });
    expect((failed as { left: { message: string } }).left.message).toContain('crashed before COMMIT');
    expect(await ok(() => next)).toMatchObject({ positions: [2] });
    expect(await ok(other.readEvent(doomed[0]!.eventId))).toBeNull();
    expect(await ok(other.streamRevision('progress-a'))).toBe(0);
    expect((await ok(other.readAll())).map((e) => e.position)).toEqual([1, 2]);
  });

  it('gap: 8 writers × 50 appends with delayed commits and rollbacks; a concurrent reader sees exactly what committed, in order', async () => {
    const schema = freshSchema();
    const WRITERS = 8;
    const APPENDS = 50;
    const STREAMS = 5;
    const rollback = new Set<string>();
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, () =>
        track(
          open(
            schema,
            {
              beforeCommit: async (_stream, positions) => {
                await sleep(Math.floor(Math.random() * 4));
                if (Math.random() < 0.15) {
                  rollback.add(positions.join(','));
                  throw new Error('rolled back on purpose');
                }
              },
            },
            1,
          ),
        ),
      ),
    );
    const reader = await track(open(schema));

    // A subscriber, as a projection worker would run it.
    const delivered: StoredEvent[] = [];
    const subscription = reader.subscribe({ fromPosition: 0, batchSize: 7, pollIntervalMs: 1, onEvents: async (b) => void delivered.push(...b) });

    // A second reader that pages the log by hand and checks every page continues the last.
    let polling = true;
    const pollErrors: string[] = [];
    const poller = (async () => {
      let last = 0;
      while (polling) {
        const page = await reader.readAll({ fromPosition: last, maxCount: 3 })();
        if (page._tag === 'Left') {
          pollErrors.push(page.left.message);
          break;
        }
        for (const e of page.right) {
          if (e.position !== last + 1) pollErrors.push(`after ${last} the poller read ${e.position}`);
          last = e.position;
        }
        if (page.right.length === 0) await sleep(1);
      }
      return last;
    })();

    const committed = new Set<string>();
    const refused = new Set<string>();
    await Promise.all(
      writers.map(async (store, w) => {
        for (let i = 0; i < APPENDS; i++) {
          const batch = makeTestEvents(1 + ((w + i) % 3));
          const r: Either<AppendError, AppendResult> = await store.append(`progress-gap-${(w + i) % STREAMS}`, batch, ANY)();
          const ids = batch.map((e) => e.eventId);
          if (r._tag === 'Right') ids.forEach((id) => committed.add(id));
          else if (r.left._tag === 'StoreUnavailable' && r.left.message.includes('rolled back on purpose')) ids.forEach((id) => refused.add(id));
          else throw new Error(`unexpected append failure: ${r.left.message}`);
        }
      }),
    );

    const head = await ok(reader.headPosition());
    try {
      await waitFor(() => (delivered[delivered.length - 1]?.position ?? 0) >= head, 'the subscriber to reach the head', 20_000);
      await sleep(20);
    } finally {
      await subscription.stop();
      polling = false;
    }
    expect(await poller).toBe(head);
    expect(pollErrors).toEqual([]);

    expect(refused.size).toBeGreaterThan(0);
    expect(rollback.size).toBeGreaterThan(0);
    expect(head).toBe(committed.size);

    // Exactly the committed events, each once, none that rolled back.
    const seenIds = delivered.map((e) => e.eventId);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(new Set(seenIds)).toEqual(committed);
    expect(seenIds.filter((id) => refused.has(id))).toEqual([]);

    // In delivery order, positions strictly increase, with no hole.
    expect(delivered.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));

    // One chain, one predecessor per event, verified from the stored bytes.
    const raw = await ok(reader.readAll({ raw: true }));
    const verifier = chainVerifier();
    for (const e of raw) expect(verifier.check(e)).toEqual({ _tag: 'ChainOk' });
    expect(verifier.count).toBe(head);
    expect(new Set(raw.map((e) => e.prevHash)).size).toBe(head);
    expect(delivered.map((e) => e.hash)).toEqual(raw.map((e) => e.hash));

    // Every stream's revisions run 0, 1, 2, ... however the appends interleaved.
    for (let s = 0; s < STREAMS; s++) {
      const revisions = raw.filter((e) => e.stream === `progress-gap-${s}`).map((e) => e.revision);
      expect(revisions).toEqual(revisions.map((_, i) => i));
      expect(await ok(reader.streamRevision(`progress-gap-${s}`))).toBe(revisions.length - 1);
    }
  }, 60_000);
});
