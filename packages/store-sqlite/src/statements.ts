import type { Database, Statement } from 'better-sqlite3';
import type { StoredAt, StoredRow } from '@minsheng/event-store';

const ROW = `position, stream, revision, event_id AS eventId, type, schema_version AS schemaVersion,
  data, metadata, prev_hash AS prevHash, hash`;

/** Every statement the store runs, prepared once per connection. */
export const prepareStatements = (db: Database) => ({
  storedAt: db.prepare(`SELECT event_id AS eventId, stream, revision, position FROM events WHERE event_id = ?`) as Statement<[string], StoredAt>,
  storedAtMany: db.prepare(
    `SELECT event_id AS eventId, stream, revision, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))`,
  ) as Statement<[string], StoredAt>,
  streamRevision: db.prepare(`SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`) as Statement<
    [string],
    { revision: number }
  >,
  logHead: db.prepare(`SELECT position, hash FROM events ORDER BY position DESC LIMIT 1`) as Statement<[], { position: number; hash: string }>,
  insert: db.prepare(`INSERT INTO events
    (position, event_id, stream, revision, type, schema_version, data, metadata, prev_hash, hash, stored_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`) as Statement<[number, string, string, number, string, number, string, string, string, string, string]>,
  // LIMIT -1 is SQLite's "no limit".
  streamForward: db.prepare(`SELECT ${ROW} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`) as Statement<
    [string, number, number],
    StoredRow
  >,
  streamBackward: db.prepare(`SELECT ${ROW} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`) as Statement<
    [string, number, number],
    StoredRow
  >,
  logPage: db.prepare(`SELECT ${ROW} FROM events WHERE position > ? ORDER BY position LIMIT ?`) as Statement<[number, number], StoredRow>,
  event: db.prepare(`SELECT ${ROW} FROM events WHERE event_id = ?`) as Statement<[string], StoredRow>,
  headPosition: db.prepare(`SELECT coalesce(max(position), 0) AS head FROM events`) as Statement<[], { head: number }>,
});

export type Statements = ReturnType<typeof prepareStatements>;
