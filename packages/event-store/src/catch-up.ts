import type { StoredEvent } from '@minsheng/core';
import { invalidArgument, type StoreError } from './errors';
import type { EventStore, SubscribeOptions, Subscription } from './port';

/**
 * A store error carried through a promise rejection or a thrown iterator, where an
 * Either cannot go (Subscription.done, iterateAll). `error` is the tagged error.
 */
export class StoreFailure extends Error {
  override readonly name = 'StoreFailure';
  constructor(readonly error: StoreError) {
    super(error.message);
  }
}

type LogReader = Pick<EventStore, 'readAll'>;

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_POLL_INTERVAL_MS = 200;

const isPositiveInteger = (n: number) => Number.isInteger(n) && n >= 1;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A polling catch-up subscription over readAll, the one every adapter's subscribe uses.
 * Delivers batches in global order after `fromPosition`; the next read waits for
 * onEvents; once caught up it polls every pollIntervalMs. It relies on readAll never
 * returning an event past one that may still commit with a lower position (the adapter's
 * duty: see the architecture notes on PostgreSQL sequence gaps).
 */
export const catchUp = (store: LogReader, options: SubscribeOptions): Subscription => {
  const { fromPosition, onEvents, batchSize = DEFAULT_BATCH_SIZE, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = options;
  let stopping = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    if (!Number.isSafeInteger(fromPosition) || fromPosition < 0)
      throw new StoreFailure(invalidArgument(`fromPosition must be an integer ≥ 0, not ${String(fromPosition)}`));
    if (!isPositiveInteger(batchSize)) throw new StoreFailure(invalidArgument(`batchSize must be an integer ≥ 1, not ${String(batchSize)}`));
    if (!(pollIntervalMs >= 0)) throw new StoreFailure(invalidArgument(`pollIntervalMs must be ≥ 0, not ${String(pollIntervalMs)}`));
    let position = fromPosition;
    // The position onReachedHead was last called with (null: not yet).
    let toldAt: number | null = null;
    while (!stopping) {
      const page = await store.readAll({ fromPosition: position, maxCount: batchSize })();
      // A batch read after stop() was called is not delivered: stop means no new batch.
      if (stopping) return;
      if (page._tag === 'Left') throw new StoreFailure(page.left);
      const events = page.right;
      if (events.length === 0) {
        if (toldAt !== position) {
          toldAt = position;
          await options.onReachedHead?.(position);
          if (stopping) return;
        }
        await pause(pollIntervalMs);
        continue;
      }
      await onEvents(events);
      position = events[events.length - 1]!.position;
      // Promises alone never give timers and I/O a turn; a long catch-up must.
      await yieldToEventLoop();
    }
  };

  const done = yieldToEventLoop().then(run);
  return {
    done,
    stop: async () => {
      stopping = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
};

/** Keeps the subscriptions a store started, so close() can stop them first. */
export const subscriptionSet = () => {
  const live = new Set<Subscription>();
  return {
    track(s: Subscription): Subscription {
      live.add(s);
      const forget = () => live.delete(s);
      s.done.then(forget, forget);
      return s;
    },
    async stopAll(): Promise<void> {
      await Promise.all([...live].map((s) => s.stop()));
    },
  };
};

export interface IterateOptions {
  /** Exclusive: events after this position. Default 0. */
  readonly fromPosition?: number;
  /** Inclusive upper bound, e.g. the head position taken when a rebuild starts. Default: until the log ends. */
  readonly toPosition?: number;
  readonly batchSize?: number;
  /** Events exactly as stored (no upcasting), for verification. */
  readonly raw?: boolean;
}

/**
 * Pages through the global log a batch at a time, never holding more than one page:
 * what a rebuild folds into a read model and commits with its checkpoint.
 * Throws StoreFailure if a read fails.
 */
export async function* iterateBatches(store: LogReader, options: IterateOptions = {}): AsyncGenerator<readonly StoredEvent[]> {
  const { toPosition = Number.MAX_SAFE_INTEGER, batchSize = 1000, raw = false } = options;
  let position = options.fromPosition ?? 0;
  while (position < toPosition) {
    const page = await store.readAll({ fromPosition: position, maxCount: batchSize, raw })();
    if (page._tag === 'Left') throw new StoreFailure(page.left);
    let events = page.right;
    if (events.length === 0) return;
    if (events[events.length - 1]!.position > toPosition) events = events.filter((e) => e.position <= toPosition);
    if (events.length === 0) return;
    yield events;
    position = events[events.length - 1]!.position;
  }
}

/**
 * The global log one event at a time, paged as iterateBatches pages it. A read that fails is
 * thrown as a StoreFailure (its `error` the StoreError): an async iterator has no Left.
 */
export async function* iterateAll(store: LogReader, options: IterateOptions = {}): AsyncGenerator<StoredEvent> {
  for await (const batch of iterateBatches(store, options)) yield* batch;
}
