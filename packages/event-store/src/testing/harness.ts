import { canonicalJson, type Clock, type EventEnvelope } from '@minsheng/core';
import type { Either } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { EventStore } from '../port';
import type { StoredRow } from '../stored-row';

/**
 * Damage done to one stored event, behind the store's back. `bytes`: its stored data is
 * no longer JSON. `field`: a stored field now holds another (well-formed) value; data and
 * metadata values are stored as canonical JSON.
 */
export type Corruption =
  | { readonly kind: 'bytes' }
  | { readonly kind: 'field'; readonly field: 'data' | 'metadata'; readonly value: unknown }
  | { readonly kind: 'field'; readonly field: 'type' | 'hash' | 'prevHash'; readonly value: string }
  | { readonly kind: 'field'; readonly field: 'schemaVersion'; readonly value: number };

/** The stored field a corruption changes and its new stored value. */
export const corruptedField = (c: Corruption): { field: keyof StoredRow; value: string | number } =>
  c.kind === 'bytes'
    ? { field: 'data', value: '{"planId":"harbin-2024-livelihood","task":7,"metric":' }
    : { field: c.field, value: c.field === 'data' || c.field === 'metadata' ? canonicalJson(c.value) : (c.value as string | number) };

/** The SQL column each corruptible field is kept in, in both SQL adapters (snake_case of the field). */
export const SQL_COLUMN: Readonly<Partial<Record<keyof StoredRow, string>>> = {
  data: 'data',
  metadata: 'metadata',
  type: 'type',
  schemaVersion: 'schema_version',
  hash: 'hash',
  prevHash: 'prev_hash',
};

/** The SQL column and stored value of a corruption, for the SQL adapters' corrupt hooks. */
export const corruptedColumn = (c: Corruption): { column: string; value: string | number } => {
  const { field, value } = corruptedField(c);
  const column = SQL_COLUMN[field];
  if (!column) throw new Error(`cannot corrupt ${field}`);
  return { column, value };
};

/** The clock every contract store stamps stored_at with: the system's, unless a test sets it. */
export interface ContractClock extends Clock {
  /** From now on reads `at` (undefined: the system clock again). */
  set(at: string | undefined): void;
}

export const contractClock = (): ContractClock => {
  let at: number | undefined;
  return {
    now: () => (at === undefined ? new Date() : new Date(at)),
    set: (t) => {
      at = t === undefined ? undefined : Date.parse(t);
    },
  };
};

export interface ContractOptions<H extends { readonly store: EventStore }> {
  /** A fresh, empty store (and whatever the hooks need), for every test, stamping stored_at with `clock`. */
  create(clock: Clock): Promise<H>;
  /** Runs after the suite has closed the store. */
  cleanup?(harness: H): Promise<void>;
  /** Stores an event with no schema check, chained like any other, as an older release would have written it. */
  seedRaw?(harness: H, stream: string, event: EventEnvelope): Promise<void>;
  /** Damages the stored event at `position` (see Corruption). Tests of read errors and verification need it. */
  corrupt?(harness: H, position: number, damage: Corruption): Promise<void>;
  /** Events in the large-batch test. Default 5,000. */
  readonly largeBatch?: number;
}

/** What each part of the contract is given. */
export interface Kit {
  store(): EventStore;
  /** The clock the store was created with. */
  readonly clock: ContractClock;
  readonly seedRaw: ((stream: string, event: EventEnvelope) => Promise<void>) | undefined;
  readonly corrupt: ((position: number, damage: Corruption) => Promise<void>) | undefined;
  readonly largeBatch: number;
}

const show = (x: unknown) => JSON.stringify(x, (_k, v) => (v instanceof Error ? v.message : v));

/** The value of a successful call; fails the test with the error otherwise. */
export const ok = async <E, A>(te: TaskEither<E, A>): Promise<A> => {
  const r: Either<E, A> = await te();
  if (r._tag === 'Left') throw new Error(`expected success, got ${show(r.left)}`);
  return r.right;
};

/** The error of a call that must fail with `tag`. */
export const fails = async <E extends { readonly _tag: string }, T extends E['_tag']>(
  te: TaskEither<E, unknown>,
  tag: T,
): Promise<Extract<E, { _tag: T }>> => {
  const r = await te();
  if (r._tag === 'Right') throw new Error(`expected ${tag}, got success ${show(r.right)}`);
  if (r.left._tag !== tag) throw new Error(`expected ${tag}, got ${show(r.left)}`);
  return r.left as Extract<E, { _tag: T }>;
};

/** Everything a refused call must leave as it was. */
export const snapshot = async (store: EventStore) => ({
  head: await ok(store.headPosition()),
  log: await ok(store.readAll({ raw: true })),
});

export const waitFor = async (condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** 1..n */
export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
