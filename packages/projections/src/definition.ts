import type { LedgerEventData, LedgerEventType, StoredEvent } from '@minsheng/core';
import type Database from 'better-sqlite3';

/**
 * A stored event of one of the types `T`, narrowed by its `type`: a handler that checks
 * `e.type === 'ProgressReported'` reads `e.data` as that event's data, with no cast.
 */
export type StoredEventOf<T extends LedgerEventType = LedgerEventType> = T extends LedgerEventType
  ? StoredEvent<LedgerEventData<T>> & { readonly type: T }
  : never;

/**
 * What a SQLite handler writes through, inside the transaction that also moves the checkpoint.
 * `table(name)` is the name of one of its tables in the version being written (a blue/green
 * rebuild writes another prefix), so a projection never names its tables literally.
 */
export interface SqliteProjectionTx {
  readonly db: Database.Database;
  table(name: string): string;
}

/**
 * A projection a user defines: the events it reads and how it writes its own tables.
 * `handle` gets each batch's events of `eventTypes` (and under `streamPrefix`), in log order; a
 * batch with none of them still moves the checkpoint. better-sqlite3 transactions are
 * synchronous, so a SQLite handler is too: it returns nothing and throws to refuse a batch.
 */
export interface ProjectionDefinition<T extends LedgerEventType = LedgerEventType> {
  /** Its name in checkpoints and leases: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Bump when its tables change shape: an older version's tables are dropped and rebuilt from the log. */
  readonly version: number;
  readonly eventTypes: readonly T[];
  /** Only events of streams whose name starts with this (e.g. 'task-'). */
  readonly streamPrefix?: string;
  readonly sqlite: {
    /** The DDL of its tables and indexes (each IF NOT EXISTS), naming each through `table`. */
    readonly schema: (table: (name: string) => string) => string;
    readonly handle: (events: readonly StoredEventOf<T>[], tx: SqliteProjectionTx) => void;
  };
}

/** A bad definition, with the reason. */
export class ProjectionDefinitionError extends Error {}

const NAME = /^[a-z][a-z0-9-]*$/;

/** Checks a definition once, where it is made, so that a bad one fails before any event is read. */
export const defineProjection = <T extends LedgerEventType>(def: ProjectionDefinition<T>): ProjectionDefinition<T> => {
  if (!NAME.test(def.name))
    throw new ProjectionDefinitionError(`projection name "${def.name}" must be lower-case letters, digits and dashes, starting with a letter`);
  if (!Number.isInteger(def.version) || def.version < 1)
    throw new ProjectionDefinitionError(`projection ${def.name}: version must be a positive integer, not ${String(def.version)}`);
  if (def.eventTypes.length === 0) throw new ProjectionDefinitionError(`projection ${def.name}: eventTypes names no event type`);
  return def;
};

/** Whether a stored event is one the definition handles (its type, and its stream prefix if any). */
export const handles =
  <T extends LedgerEventType>(def: ProjectionDefinition<T>) =>
  (e: StoredEvent): e is StoredEventOf<T> =>
    (def.eventTypes as readonly string[]).includes(e.type) && (def.streamPrefix === undefined || e.stream.startsWith(def.streamPrefix));
