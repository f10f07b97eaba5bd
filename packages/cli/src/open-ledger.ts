import { ledgerRegistry, systemClock, type Clock } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createLedger, type Ledger } from '@minsheng/ledger';
import {
  copyReadModelGrants,
  createPostgresReadModel,
  createSqliteReadModel,
  DEFAULT_PG_SCHEMA,
  DEFAULT_PREFIX,
  LEDGER_INDEX,
  postgresActiveVersion,
  ReadModelVersionError,
  sqliteActiveVersion,
  type ActiveVersion,
  type ReaderThreads,
  type ReadModelReader,
  type ReadModelWriter,
} from '@minsheng/projections';
import { READ_MODEL_DDL, withPrefix } from '@minsheng/projections/internal';
import { createSqliteEventStore, LATEST_SCHEMA_VERSION as SQLITE_SCHEMA_VERSION, SqliteSchemaError, sqliteSchemaVersion, sqliteStoreOpener } from '@minsheng/store-sqlite';
import Database from 'better-sqlite3';
import type { Pool } from 'pg';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliFailure, failed, failure, refusal } from './failure';
import { checkLedgerFile, isWritable, openReadOnly } from './ledger-file';
import type { LedgerLocation } from './options';
import { progressOn } from './output/progress';

/** The PostgreSQL schema of the event store (@minsheng/store-postgres's DEFAULT_SCHEMA). */
export const EVENT_STORE_SCHEMA = 'minsheng';

/** One version of the read model (a SQLite table prefix or a PostgreSQL schema), opened. */
export interface ReadModel {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
  close(): Promise<void>;
}

/**
 * The ledger's storage, engine by engine: the event store, the pointer to the serving
 * read-model version, and the read-model versions themselves. Everything that differs
 * between SQLite and PostgreSQL is decided here.
 */
export interface Engine {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, as people read it: the absolute file path, or the URL without its password. */
  readonly where: string;
  /** False when this call created it. */
  readonly existed: boolean;
  /** The event store's schema version when it was opened, and now (after any migration this open ran). */
  readonly schema: { readonly name: string; readonly before: number; readonly after: number };
  readonly store: EventStore;
  /** Which read-model version serves queries. */
  readonly versions: ActiveVersion;
  /** Threads that read the log during a rebuild or a large catch-up, where the engine has them. */
  readonly readers?: ReaderThreads;
  /** The read-model version every engine starts with: rm_ (SQLite) or minsheng_rm (PostgreSQL). */
  readonly defaultVersion: string;
  /** Opens a read-model version, creating its tables if needed. */
  openReadModel(name: string): Promise<ReadModel>;
  readModelExists(name: string): Promise<boolean>;
  /** Null when this connection may write read-model version `name`; else the role it connects as (PostgreSQL). */
  readModelRefusal(name: string): Promise<string | null>;
  /** Drops a read-model version's tables (SQLite) or schema (PostgreSQL). */
  dropReadModel(name: string): Promise<void>;
  /** How an operator drops a version by hand. */
  dropHint(name: string): string;
  close(): Promise<void>;
}

export interface OpenLedger extends Engine {
  readonly ledger: Ledger;
  /** The serving read-model version this command reads (and, projecting inline, writes). */
  readonly readModel: ReadModel;
  readonly readModelVersion: string;
}

export interface OpenOptions {
  /** Create the ledger if it does not exist (init, migrate, demo); otherwise a missing ledger is refused. */
  readonly create?: boolean;
  /** The SQLite synchronous level; the demo's throwaway ledger does not need FULL. */
  readonly synchronous?: 'full' | 'normal';
  /** Bring the read model up to date after each command (default); false leaves it to workers. */
  readonly project?: boolean;
  /** Connections in the PostgreSQL pool (default 4). */
  readonly poolSize?: number;
  /** Threads that read the log during a large catch-up (default: cores less one); 0 reads it on the main thread. */
  readonly readerThreads?: number;
  /** The command only reads: a SQLite ledger this process cannot write is opened read-only (see openReadOnly). */
  readonly reads?: boolean;
}

/** An error's one-line reason; Node's AggregateError (a refused connection to every address of a host) has an empty message. */
export const reasonOf = (e: unknown): string => {
  if (e instanceof AggregateError && e.errors.length) return [...new Set(e.errors.map(reasonOf))].join('; ');
  if (e instanceof Error) return (e.message || (e as { code?: string }).code || e.name).split('\n')[0]!.trim();
  return String(e);
};

/** A connection string as it may be printed: no password. */
export const describeUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'the PostgreSQL database given';
  }
};

/** A failure opening storage: ours pass through, schema refusals keep their message, anything else is named. */
const openFailure = (where: string, e: unknown): CliFailure => {
  if (e instanceof CliFailure) return e;
  // By name: @minsheng/store-postgres is loaded only when a PostgreSQL ledger is opened.
  if ((e instanceof Error && e.name === 'PostgresSchemaError') || e instanceof SqliteSchemaError || e instanceof ReadModelVersionError)
    return failed(reasonOf(e));
  return failure('failure.cannotOpenLedger', { where, reason: reasonOf(e) });
};

/** Every table of one SQLite read-model version, from the read model's own DDL. */
const sqliteTables = (prefix: string): string[] =>
  [...withPrefix(READ_MODEL_DDL, prefix).matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]!);

const openSqlite = async (location: { file: string }, clock: Clock, options: OpenOptions): Promise<Engine> => {
  const file = resolve(location.file);
  const existed = existsSync(file);
  if (!existed && !options.create) throw refusal('usage.noLedgerFile', { file });
  if (existed) checkLedgerFile(file);
  const readOnly = existed && !isWritable(file);
  if (readOnly && !options.reads)
    throw failure('failure.ledgerReadOnly', { file });
  let store: EventStore | undefined;
  let db: Database.Database | undefined;
  try {
    // The read model's own connection: its pragmas (synchronous NORMAL) stay off the event store's.
    db = readOnly ? openReadOnly(file) : new Database(file);
    db.pragma('busy_timeout = 10000');
    const before = sqliteSchemaVersion(db);
    // The store stamps stored_at by the system clock: the time a row was really written, in every mode.
    store = readOnly
      ? createSqliteEventStore({ db, readOnly: true, registry: ledgerRegistry, clock: systemClock })
      : createSqliteEventStore({ file, registry: ledgerRegistry, clock: systemClock, synchronous: options.synchronous ?? 'full' });
    const conn = db;
    const s = store;
    const versions = sqliteActiveVersion(conn, DEFAULT_PREFIX);
    return {
      kind: 'sqlite',
      where: file,
      existed,
      schema: { name: file, before, after: SQLITE_SCHEMA_VERSION },
      store: s,
      versions,
      ...(options.readerThreads === 0 || readOnly ? {} : { readers: { opener: sqliteStoreOpener(file), ...(options.readerThreads ? { threads: options.readerThreads } : {}) } }),
      defaultVersion: DEFAULT_PREFIX,
      openReadModel: async (prefix) => {
        const m = createSqliteReadModel({ db: conn, prefix });
        return { reader: m.reader, writer: m.writer, close: async () => m.close() };
      },
      readModelRefusal: async () => null,
      readModelExists: async (prefix) =>
        conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`${prefix}meta`) !== undefined,
      dropReadModel: async (prefix) => {
        conn.transaction(() => {
          for (const t of sqliteTables(prefix)) conn.exec(`DROP TABLE IF EXISTS ${t}`);
        }).immediate();
      },
      dropHint: (prefix) => `sqlite3 ${file} "${sqliteTables(prefix).map((t) => `DROP TABLE ${t};`).join(' ')}"`,
      close: async () => {
        await s.close();
        if (conn.open) conn.close();
      },
    };
  } catch (e) {
    await store?.close();
    if (db?.open) db.close();
    throw openFailure(file, e);
  }
};

const readModelExists = async (pool: Pick<Pool, 'query'>, schema: string): Promise<boolean> =>
  (await pool.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`${schema}.meta`])).rows[0]!.exists;

const openPostgres = async (location: { url: string }, clock: Clock, options: OpenOptions): Promise<Engine> => {
  const where = describeUrl(location.url);
  // Loaded here, not at the top: pg adds ~70 ms to every start, and most SQLite commands are short.
  const { Pool } = await import('pg');
  const { createPostgresEventStore, ledgerSessionOptions, LATEST_SCHEMA_VERSION: POSTGRES_SCHEMA_VERSION, schemaVersion } = await import('@minsheng/store-postgres');
  const pool = new Pool({
    connectionString: location.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'minsheng',
    options: ledgerSessionOptions(),
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const before = await schemaVersion(pool, EVENT_STORE_SCHEMA);
    if (before === 0 && !options.create)
      throw refusal('usage.noLedgerSchema', { schema: EVENT_STORE_SCHEMA, where });
    // Only init and migrate change the schema; other commands refuse a ledger that is not current.
    // A migration that rewrites every event (schema 5: the Merkle leaves) shows its progress on stderr.
    const progress = options.create === true && before > 0 ? progressOn('migrate') : undefined;
    const store = await createPostgresEventStore({
      pool,
      registry: ledgerRegistry,
      clock: systemClock,
      schema: EVENT_STORE_SCHEMA,
      migrate: options.create === true,
      ...(progress ? { migrationProgress: (p: { done: number; total: number }) => progress.update(p.done, p.total) } : {}),
    }).finally(() => progress?.finish());
    const versions = postgresActiveVersion(pool, DEFAULT_PG_SCHEMA);
    await versions.active(LEDGER_INDEX);
    return {
      kind: 'postgres',
      where,
      existed: before > 0,
      schema: { name: EVENT_STORE_SCHEMA, before, after: POSTGRES_SCHEMA_VERSION },
      store,
      versions,
      defaultVersion: DEFAULT_PG_SCHEMA,
      openReadModel: async (schema) => {
        const serving = await versions.active(LEDGER_INDEX);
        const created = schema !== serving && !(await readModelExists(pool, schema));
        const m = await createPostgresReadModel({ pool, schema });
        // A version built beside the serving one serves the same roles (docs/postgres.md, "Roles").
        if (created && (await readModelExists(pool, serving))) await copyReadModelGrants(pool, serving, schema);
        return { reader: m.reader, writer: m.writer, close: () => m.close() };
      },
      readModelExists: (schema) => readModelExists(pool, schema),
      readModelRefusal: async (schema) => {
        const { rows } = await pool.query<{ role: string; may: boolean }>(
          // A version not created yet (NULL) is created by this role, which may then write it.
          `SELECT current_user AS role, coalesce(has_table_privilege(to_regclass($1), 'INSERT') AND has_table_privilege(to_regclass($1), 'UPDATE'), true) AS may`,
          [`${schema}.checkpoints`],
        );
        return rows[0]!.may ? null : rows[0]!.role;
      },
      dropReadModel: async (schema) => {
        if (!/^[a-z_][a-z0-9_]*$/.test(schema) || schema === EVENT_STORE_SCHEMA) throw new Error(`refusing to drop schema ${schema}`);
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
      dropHint: (schema) => `psql "$DATABASE_URL" -c 'DROP SCHEMA ${schema} CASCADE'`,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw openFailure(where, e);
  }
};

/** Opens the ledger's storage without a read model (migrate, worker, rebuild). */
export const openEngine = (location: LedgerLocation, clock: Clock, options: OpenOptions = {}): Promise<Engine> =>
  location.kind === 'postgres' ? openPostgres(location, clock, options) : openSqlite(location, clock, options);

/**
 * Opens the ledger: the event store and the serving version of its read model (the
 * SQLite tables rm_…, or the PostgreSQL schema minsheng_rm, until a rebuild beside them
 * switched to another), brought up to date inline after every command unless
 * `project: false` leaves that to workers.
 */
export const openLedger = async (location: LedgerLocation, clock: Clock | undefined, options: OpenOptions = {}): Promise<OpenLedger> => {
  const engine = await openEngine(location, clock ?? systemClock, options);
  try {
    const readModelVersion = await engine.versions.active(LEDGER_INDEX);
    const project = options.project ?? true;
    // Refused before anything is written: a command that appends and then cannot project would exit 1 after its event.
    const deniedRole = project ? await engine.readModelRefusal(readModelVersion) : null;
    if (deniedRole !== null) throw refusal('usage.roleMayNotProject', { role: deniedRole, version: readModelVersion });
    const readModel = await engine.openReadModel(readModelVersion);
    return {
      ...engine,
      ledger: createLedger({
        store: engine.store,
        readModel,
        // No clock: the system clock for queries, and the ledger's own rule for writes (see LedgerOptions.clock).
        ...(clock ? { clock } : {}),
        projectInline: project,
        ...(engine.readers ? { readers: engine.readers } : {}),
      }),
      readModel,
      readModelVersion,
      close: async () => {
        await readModel.close();
        await engine.close();
      },
    };
  } catch (e) {
    await engine.close().catch(() => undefined);
    throw openFailure(engine.where, e);
  }
};

const using = async <L extends { close(): Promise<void> }, A>(open: Promise<L>, f: (l: L) => Promise<A>): Promise<A> => {
  const l = await open;
  try {
    return await f(l);
  } finally {
    await l.close();
  }
};

/** Opens the ledger, runs `f`, and closes it whatever happens. */
export const withLedger = <A>(location: LedgerLocation, clock: Clock | undefined, f: (l: OpenLedger) => Promise<A>, options: OpenOptions = {}): Promise<A> =>
  using(openLedger(location, clock, options), f);

/** Opens the ledger's storage, runs `f`, and closes it whatever happens. */
export const withEngine = <A>(location: LedgerLocation, clock: Clock, f: (e: Engine) => Promise<A>, options: OpenOptions = {}): Promise<A> =>
  using(openEngine(location, clock, options), f);
