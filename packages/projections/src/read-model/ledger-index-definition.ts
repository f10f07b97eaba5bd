import type { StoredEvent } from '@minsheng/core';
import { defineProjection, type PostgresProjectionTx, type SqliteProjectionTx } from '../definition';
import { rowsOf } from './index-rows';
import { writePostgresIndexRows } from './ledger-index-postgres';
import { sqliteIndexWriter } from './ledger-index-sqlite';
import { ledgerIndexPostgresSchema, PG_READ_MODEL_SCHEMA_VERSION } from './postgres-schema';
import { LEDGER_INDEX } from './projection';
import { ledgerIndexSqliteSchema, READ_MODEL_SCHEMA_VERSION } from './sqlite-schema';

/** Its SQLite engine: the tables' DDL, and the handler every batch of the built-in read model goes through. */
export const ledgerIndexSqlite = {
  schema: ledgerIndexSqliteSchema,
  handle: (events: readonly StoredEvent[], { db, table }: SqliteProjectionTx): void => sqliteIndexWriter(db, table).write(rowsOf(events)),
};

/** Its PostgreSQL engine, as ledgerIndexSqlite. */
export const ledgerIndexPostgres = {
  schema: ledgerIndexPostgresSchema,
  handle: (events: readonly StoredEvent[], tx: PostgresProjectionTx | DeferredInForceTx): Promise<void> =>
    writePostgresIndexRows(tx.client, tx.table, rowsOf(events), deferredInForce(tx)),
};

/**
 * The ledger index, the projection every built-in view reads, written as any user's projection
 * is: its events, its tables' DDL and a handler per engine. The built-in read models
 * (createSqliteReadModel, createPostgresReadModel) apply each batch of events through these
 * handlers, and add what only the index needs: its queries, rows made in reader threads, bulk
 * loads. createSqliteProjection / createPostgresProjection run it like any other projection.
 *
 * Its version moves whenever either engine's tables change shape (a sum of the two schema
 * versions, each of which only grows), so that a projection built by an older one is rebuilt.
 */
export const ledgerIndexProjection = defineProjection({
  name: LEDGER_INDEX,
  version: READ_MODEL_SCHEMA_VERSION + PG_READ_MODEL_SCHEMA_VERSION,
  eventTypes: ['PlanPublished', 'TargetSet', 'ProgressReported', 'ProgressCorrected', 'ProgressRetracted', 'TaskCompleted', 'DeadlineMissed'],
  sqlite: ledgerIndexSqlite,
  postgres: ledgerIndexPostgres,
});

/**
 * The transaction of a batch of the built-in PostgreSQL read model during a bulk load from 0: its
 * lookup index is dropped, so pairs' figures in force are read again all at once at the load's end.
 */
export interface DeferredInForceTx extends PostgresProjectionTx {
  readonly deferInForce: true;
}

const deferredInForce = (tx: PostgresProjectionTx | DeferredInForceTx): boolean => 'deferInForce' in tx && tx.deferInForce;
