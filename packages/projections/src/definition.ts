import type { LedgerEventData, LedgerEventType, StoredEvent } from '@minsheng/core';
import type Database from 'better-sqlite3';
import type { PoolClient } from 'pg';

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

/** What a PostgreSQL handler writes through: a client inside the batch's transaction, and its tables' names. */
export interface PostgresProjectionTx {
  readonly client: PoolClient;
  /** The schema-qualified name of one of its tables in the version being written. */
  table(name: string): string;
}

/**
 * A projection a user defines: the events it reads and how it writes its own tables.
 * `handle` gets each batch's events of `eventTypes` (and under `streamPrefix`), in log order; a
 * batch with none of them still moves the checkpoint. better-sqlite3 transactions are
 * synchronous, so a SQLite handler is too: it returns nothing and throws to refuse a batch. A
 * PostgreSQL handler is asynchronous. A definition gives one engine or both.
 */
export interface ProjectionDefinition<T extends LedgerEventType = LedgerEventType> {
  /** Its name in checkpoints and leases: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Bump when its tables change shape: an older version's tables are dropped and rebuilt from the log. */
  readonly version: number;
  readonly eventTypes: readonly T[];
  /** Only events of streams whose name starts with this (e.g. 'task-'). */
  readonly streamPrefix?: string;
  readonly sqlite?: {
    /** The DDL of its tables and indexes (each IF NOT EXISTS), naming each through `table`. */
    readonly schema: (table: (name: string) => string) => string;
    readonly handle: (events: readonly StoredEventOf<T>[], tx: SqliteProjectionTx) => void;
  };
  readonly postgres?: {
    /** The DDL of its tables and indexes (each IF NOT EXISTS), naming each through `table`. */
    readonly schema: (table: (name: string) => string) => string;
    readonly handle: (events: readonly StoredEventOf<T>[], tx: PostgresProjectionTx) => Promise<void>;
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
  if (!def.sqlite && !def.postgres) throw new ProjectionDefinitionError(`projection ${def.name}: gives neither a sqlite nor a postgres handler`);
  return def;
};

/** Whether a stored event is one the definition handles (its type, and its stream prefix if any). */
export const handles =
  <T extends LedgerEventType>(def: ProjectionDefinition<T>) =>
  (e: StoredEvent): e is StoredEventOf<T> =>
    (def.eventTypes as readonly string[]).includes(e.type) && (def.streamPrefix === undefined || e.stream.startsWith(def.streamPrefix));

/** The filter its events are read with, in the store's query: its event types, and its stream prefix if any. */
export const filterOf = (def: Pick<ProjectionDefinition, 'eventTypes' | 'streamPrefix'>): { readonly eventTypes: readonly string[]; readonly streamPrefix?: string } => ({
  eventTypes: def.eventTypes,
  ...(def.streamPrefix !== undefined ? { streamPrefix: def.streamPrefix } : {}),
});

/** The prefix a projection's tables have before any blue/green rebuild: its name, _ for -, then _. */
export const defaultPrefix = (def: { readonly name: string }): string => `${def.name.replace(/-/g, '_')}_`;

/** Checks a table prefix (a version's name in a blue/green rebuild). */
export const checkPrefix = (prefix: string): string => {
  if (!/^[a-z][a-z0-9_]*_$/.test(prefix)) throw new RangeError(`projection prefix "${prefix}" must be lower-case letters, digits and underscores, ending in _`);
  return prefix;
};

/** The name of one of a projection's tables under `prefix`. */
export const prefixedTable = (def: { readonly name: string }, prefix: string, name: string): string => {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new RangeError(`projection ${def.name}: table name "${name}" must be lower-case letters, digits and underscores`);
  return `${prefix}${name}`;
};
