import Database from 'better-sqlite3';
import { GENESIS_HASH, ledgerRegistry, type EventEnvelope } from '@minsheng/core';
import { chainRow, encodeEvent, rowLeaf, type StoredRow } from '@minsheng/event-store';
import { nodeColumns } from '../schema';
import { createSqliteEventStore } from '../store';

/*
 * The baseline: plain better-sqlite3 on a file with the very same schema, pragmas,
 * indexes and triggers, writing the very same rows (chained beforehand, outside the
 * clock), with none of the store's checks. The ratio is what the store's work costs.
 */

export const rawDatabase = (file: string, synchronous: 'full' | 'normal' = 'full'): Database.Database => {
  const db = new Database(file);
  createSqliteEventStore({ db, registry: ledgerRegistry, synchronous }).close();
  return db;
};

/** A row with its Merkle leaf and the nodes that leaf completes, which the store writes in the same INSERT. */
export type RawRow = StoredRow & { readonly leaf: Buffer; readonly nodes: Buffer | null };

/** Rows as the store would write them for these appends (stream and event, in order). */
export const chainedRows = (appends: readonly { stream: string; event: EventEnvelope }[]): RawRow[] => {
  const revisions = new Map<string, number>();
  let prevHash = GENESIS_HASH;
  const storedAt = new Date().toISOString();
  const nodesOf = nodeColumns();
  return appends.map(({ stream, event }, i) => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const row = chainRow(prevHash, i + 1, stream, revision, encodeEvent(event), storedAt);
    prevHash = row.hash;
    const leaf = rowLeaf(row);
    return { ...row, leaf, nodes: nodesOf(i, leaf) };
  });
};

export const rawInsert = (db: Database.Database): Database.Transaction<(rows: readonly RawRow[]) => void> => {
  const insert = db.prepare(`INSERT INTO events
    (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version, leaf, nodes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction((rows: readonly RawRow[]) => {
    for (const r of rows)
      insert.run(r.position, r.eventId, r.stream, r.revision, r.type, r.schemaVersion, r.data, r.metadata, r.prevHash, r.hash, r.storedAt, r.hashVersion, r.leaf, r.nodes);
  });
};
