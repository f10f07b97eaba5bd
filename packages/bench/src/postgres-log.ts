import { ledgerRegistry } from '@minsheng/core';
import type { EventStore } from '@minsheng/event-store';
import { createPostgresEventStore } from '@minsheng/store-postgres';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { join } from 'node:path';
import { buildLedgerLog, builtLedgerLogs } from './ledger-log';

/*
 * The PostgreSQL section's ledgers: the SQLite ledger log of the same size (built once per
 * run, by the projection section or here), copied row for row, hashes and all, into a
 * database of its own. Copying is not measured: triggers are off while it runs.
 */

/** The columns a raw reader selects: the store's own, stored_at as the store formats it. */
export const RAW_ROW_COLUMNS = `position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash,
  to_char(stored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS stored_at, hash_version`;

/** The event table alone, with the store's keys and no trigger: what raw pg writes to. */
export const rawEventsDdl = (schema: string): string => `
  CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.events (
    position bigint PRIMARY KEY, stream text COLLATE "C" NOT NULL, revision bigint NOT NULL,
    event_id text COLLATE "C" NOT NULL UNIQUE, type text NOT NULL, schema_version integer NOT NULL,
    data text NOT NULL, metadata text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,
    stored_at timestamptz NOT NULL, hash_version smallint NOT NULL DEFAULT 2,
    UNIQUE (stream, revision));`;

const sqliteLog = async (dir: string, size: number): Promise<string> => {
  const built = builtLedgerLogs.get(size);
  if (built) return built;
  const file = join(dir, `pg-source-${size}.db`);
  process.stderr.write(`  building a ledger log of ${size} events…\n`);
  await (await buildLedgerLog(file, size)).store.close();
  return file;
};

const COPY_ROWS = 5000;

/** A PostgreSQL ledger at `url` holding the SQLite ledger log of `size` events; the events it holds. */
export const copyLedgerLog = async (url: string, dir: string, size: number): Promise<number> => {
  const file = await sqliteLog(dir, size);
  // The store creates its schema; its pool is closed before the copy.
  await (await createPostgresEventStore({ connectionString: url, registry: ledgerRegistry })).close();
  const src = new Database(file, { readonly: true });
  const pool = new Pool({ connectionString: url, max: 1 });
  let copied = 0;
  try {
    await pool.query('ALTER TABLE minsheng.events DISABLE TRIGGER USER');
    const page = src.prepare(
      `SELECT position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at,
         COALESCE(hash_version, 1) AS hash_version, leaf, nodes FROM events WHERE position > ? ORDER BY position LIMIT ${COPY_ROWS}`,
    );
    for (;;) {
      const rows = page.all(copied) as Record<string, unknown>[];
      if (rows.length === 0) break;
      const col = (k: string) => rows.map((r) => r[k]);
      await pool.query(
        `INSERT INTO minsheng.events (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version,
           leaf, nodes)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::timestamptz[], $12::smallint[], $13::bytea[], $14::bytea[])`,
        ['position', 'stream', 'revision', 'event_id', 'type', 'schema_version', 'data', 'metadata', 'prev_hash', 'hash', 'stored_at', 'hash_version', 'leaf', 'nodes'].map(col),
      );
      copied = Number(rows[rows.length - 1]!.position);
    }
    await pool.query(`INSERT INTO minsheng.streams (stream, revision) SELECT stream, max(revision) FROM minsheng.events GROUP BY stream`);
    // The file's Merkle leaves and nodes came with the rows (the same layout): the tree now covers them.
    await pool.query(`INSERT INTO minsheng.merkle_sizes (size) SELECT max(position) FROM minsheng.events`);
    await pool.query('ALTER TABLE minsheng.events ENABLE TRIGGER USER');
    await pool.query('VACUUM ANALYZE minsheng.events');
    await pool.query('VACUUM ANALYZE minsheng.streams');
  } finally {
    src.close();
    await pool.end();
  }
  return copied;
};

export const openLedgerStore = (url: string, poolSize = 10): Promise<EventStore> =>
  createPostgresEventStore({ connectionString: url, registry: ledgerRegistry, poolSize });
