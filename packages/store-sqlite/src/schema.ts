import type { Database } from 'better-sqlite3';
import { rowLeaf, type StoredRow } from '@minsheng/event-store';
import { nodesCompletedBy, type Hash } from '@minsheng/verify';

/*
 * The file's schema, versioned in schema_migrations and migrated on open. A migration
 * is only ever added, never edited: files in the field were written by the old text.
 */

/** Refuses every UPDATE of an event, even a manual statement from another tool. */
export const TRIGGER_NO_UPDATE = `CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event row is never updated'); END`;

/** Refuses every DELETE of an event. */
export const TRIGGER_NO_DELETE = `CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event row is never deleted'); END`;

/*
 * INSERT OR REPLACE deletes the row it conflicts with without firing delete triggers,
 * so an insert must itself prove it adds a new event at the head of the log.
 */
const TRIGGER_INSERT_AT_HEAD = `CREATE TRIGGER events_insert_at_head BEFORE INSERT ON events
WHEN NEW.position IS NULL
  OR NEW.position <= (SELECT coalesce(max(position), 0) FROM events)
  OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
  OR EXISTS (SELECT 1 FROM events WHERE stream = NEW.stream AND revision = NEW.revision)
BEGIN SELECT RAISE(ABORT, 'events are append-only: an insert must add a new event after the last one'); END`;

/*
 * Version 2 of the trigger: a new row must be exactly the next position, link to the head's
 * hash (the genesis hash for the first) and not go back to an older hash version. So a row
 * forged by hand at the head is refused unless it is chained like the store chains it.
 */
const TRIGGER_INSERT_AT_HEAD_V2 = `CREATE TRIGGER events_insert_at_head BEFORE INSERT ON events
WHEN NEW.position IS NULL
  OR NEW.position IS NOT (SELECT coalesce(max(position), 0) + 1 FROM events)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events ORDER BY position DESC LIMIT 1), '${'0'.repeat(64)}')
  OR NEW.hash_version < coalesce((SELECT hash_version FROM events ORDER BY position DESC LIMIT 1), 1)
  OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
  OR EXISTS (SELECT 1 FROM events WHERE stream = NEW.stream AND revision = NEW.revision)
BEGIN SELECT RAISE(ABORT, 'events are append-only: an insert must add the next event, linked to the last one'); END`;

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
  /** Work SQL cannot do (hashing), run after `sql` in the same transaction. */
  readonly then?: (db: Database) => void;
}

/**
 * Fills the Merkle node table from the events a file holds already, reading them in
 * position order and keeping only the right edge of the tree in memory.
 */
const backfillMerkleTree = (db: Database): void => {
  const insert = db.prepare('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const rightEdge: Hash[] = [];
  const rows = db.prepare(`SELECT position, stream, revision, event_id AS eventId, type, schema_version AS schemaVersion,
    data, metadata, prev_hash AS prevHash, hash, stored_at AS storedAt, hash_version AS hashVersion
    FROM events WHERE position > ? ORDER BY position LIMIT 10000`);
  // Pages, not iterate(): a connection cannot write while a statement of it is reading.
  for (let after = 0, page = rows.all(0) as StoredRow[]; page.length > 0; page = rows.all(after) as StoredRow[]) {
    for (const row of page)
      for (const n of nodesCompletedBy(row.position - 1, rowLeaf(row), (level) => rightEdge[level]!)) {
        insert.run(n.level, n.index, n.hash);
        rightEdge[n.level] = n.hash;
      }
    after = page[page.length - 1]!.position;
  }
};

/**
 * Merkle nodes below this level are not stored (schema 4 on): a leaf is a column of its event's
 * row. Level 4 (one node row in eight events, the nodes of a 16-leaf block hashed again from its
 * leaves when read) was tried: no gain in append CPU that runs could resolve, and proofs 100-200
 * µs slower at p99 (docs/performance.md). tree.ts reads any level; changing this needs a migration,
 * and schema 5's `nodes` column (nodesColumn, nodePosition) holds levels 1 up.
 */
export const STORED_FROM_LEVEL = 1;

/** A slot of events.nodes that holds no node: a node merkle_nodes lacked when schema 5 moved them. */
export const MISSING_NODE = Buffer.alloc(32);

// Schema 5's layout (leaf and nodes columns) is the one PostgreSQL keeps too: event-store's tree-columns.ts.
export { nodeColumns, nodePosition, nodesColumn } from '@minsheng/event-store';

/**
 * Moves each node of merkle_nodes into the row of the leaf that completed it (schema 5): an even
 * position p completed the nodes of levels 1 to the number of trailing zeros of p, stored as one
 * blob in level order. The hashes are moved, not recomputed, so a row changed before the
 * migration is still told apart from the tree it was appended to; a node the table lacked
 * becomes a slot of zeros, read as missing. Nodes of rows no longer in the log are dropped with
 * the table: merkle_sizes still records the size the tree reached.
 */
const moveMerkleNodes = (db: Database): void => {
  const node = db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?').pluck(true);
  const positions = db.prepare('SELECT position FROM events WHERE position > ? AND position % 2 = 0 ORDER BY position LIMIT 10000').pluck(true);
  const write = db.prepare('UPDATE events SET nodes = ? WHERE position = ?');
  // Pages, not iterate(): a connection cannot write while a statement of it is reading.
  for (let page = positions.all(0) as number[]; page.length > 0; page = positions.all(page[page.length - 1]!) as number[])
    for (const p of page) {
      const slots: Buffer[] = [];
      let found = false;
      for (let level = 1; p % 2 ** level === 0; level++) {
        const hash = node.get(level, p / 2 ** level - 1) as Buffer | undefined;
        found ||= hash !== undefined;
        slots.push(hash ?? MISSING_NODE);
      }
      if (found) write.run(Buffer.concat(slots), p);
    }
  db.exec(TRIGGER_NO_UPDATE);
  // IF EXISTS: a file whose triggers were dropped by hand still opens, with its own restored.
  db.exec('DROP TRIGGER IF EXISTS merkle_nodes_no_update');
  db.exec('DROP TRIGGER IF EXISTS merkle_nodes_no_delete');
  db.exec('DROP TABLE merkle_nodes');
};

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events log with hash chain, append-only triggers',
    sql: [
      // position is the rowid: the global log is the table's own b-tree, so paging by
      // position stays flat however long the log grows. UNIQUE(stream, revision) makes a
      // stream's current revision an indexed lookup, with no second table to write.
      // Unique event ids make appends idempotent.
      `CREATE TABLE events (
        position       INTEGER PRIMARY KEY,
        event_id       TEXT    NOT NULL,
        stream         TEXT    NOT NULL,
        revision       INTEGER NOT NULL CHECK (revision >= 0),
        type           TEXT    NOT NULL,
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        prev_hash      TEXT    NOT NULL,
        hash           TEXT    NOT NULL,
        stored_at      TEXT    NOT NULL
      ) STRICT`,
      `CREATE UNIQUE INDEX events_by_event_id ON events (event_id)`,
      `CREATE UNIQUE INDEX events_by_stream_revision ON events (stream, revision)`,
      TRIGGER_NO_UPDATE,
      TRIGGER_NO_DELETE,
      TRIGGER_INSERT_AT_HEAD,
    ],
  },
  {
    version: 2,
    name: 'hash v2 (position and stored_at) with a hash_version per row; insert trigger checks position and link',
    sql: [
      // Rows already stored keep version 1: their hash covers what it covered when written.
      `ALTER TABLE events ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1 CHECK (hash_version IN (1, 2))`,
      `DROP TRIGGER events_insert_at_head`,
      TRIGGER_INSERT_AT_HEAD_V2,
    ],
  },
  {
    version: 3,
    name: 'Merkle tree (RFC 9162) over the log: a node per complete subtree, written with each append',
    sql: [
      // Level 0 holds the leaf of event idx + 1; level l, index i the subtree of leaves
      // [i·2^l, (i+1)·2^l). Only complete subtrees are stored, so no row is ever rewritten.
      `CREATE TABLE merkle_nodes (
        level INTEGER NOT NULL CHECK (level >= 0),
        idx   INTEGER NOT NULL CHECK (idx >= 0),
        hash  BLOB    NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      ) STRICT, WITHOUT ROWID`,
      `CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
       BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: a node is never updated'); END`,
      `CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
       BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: a node is never deleted'); END`,
    ],
    then: backfillMerkleTree,
  },
  {
    version: 4,
    name: `Merkle leaves in the events row (column leaf); nodes stored from level ${STORED_FROM_LEVEL} up`,
    sql: [
      // Nullable: a row slipped in by hand before this version had no leaf, and must keep none.
      `ALTER TABLE events ADD COLUMN leaf BLOB CHECK (leaf IS NULL OR length(leaf) = 32)`,
      // The leaf the tree recorded at append is moved, not recomputed: verify --checkpoint
      // compares each event with it, so a row changed before this migration is still named.
      `DROP TRIGGER events_no_update`,
      `UPDATE events SET leaf = (SELECT hash FROM merkle_nodes WHERE level = 0 AND idx = events.position - 1)`,
      TRIGGER_NO_UPDATE,
      // The size the tree reached at each append: the leaves now go with their rows, so a log cut
      // at its head would otherwise leave no trace, and an append would chain onto the cut log.
      `CREATE TABLE merkle_sizes (size INTEGER PRIMARY KEY CHECK (size >= 0)) STRICT`,
      `CREATE TRIGGER merkle_sizes_no_update BEFORE UPDATE ON merkle_sizes
       BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: a recorded size is never updated'); END`,
      `CREATE TRIGGER merkle_sizes_no_delete BEFORE DELETE ON merkle_sizes
       BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: a recorded size is never deleted'); END`,
      `INSERT INTO merkle_sizes (size) SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0`,
      `DROP TRIGGER merkle_nodes_no_delete`,
      `DELETE FROM merkle_nodes WHERE level < ${STORED_FROM_LEVEL}`,
      `CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
       BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: a node is never deleted'); END`,
    ],
  },
  {
    version: 5,
    name: 'Merkle nodes in the events row (column nodes) of the leaf that completed them; no node table',
    sql: [
      // A node row cost each append a page of another B-tree (a WAL frame) and, for single
      // appends, a fifth of the commit's CPU (docs/performance.md): the event's own page now holds it.
      `ALTER TABLE events ADD COLUMN nodes BLOB CHECK (nodes IS NULL OR (length(nodes) > 0 AND length(nodes) % 32 = 0))`,
      `DROP TRIGGER IF EXISTS events_no_update`,
    ],
    then: moveMerkleNodes,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The file was written by a newer release; opening it with this one could misread it. */
export class SqliteSchemaError extends Error {
  override readonly name = 'SqliteSchemaError';
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${file} has schema version ${found}, written by a newer @minsheng/store-sqlite; this build knows versions up to ${known}. ` +
        `Upgrade minsheng before opening this ledger (it was left untouched).`,
    );
  }
}

/** The schema version of the file: the latest migration applied to it (0 for a new or empty file). */
export const schemaVersion = (db: Database): number =>
  db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get() === undefined
    ? 0
    : (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;

/**
 * Brings the file to the latest schema (tests of old files: to `target`) in one write
 * transaction, safe if several processes open it at once.
 */
export const migrate = (db: Database, now: () => string, target = LATEST_SCHEMA_VERSION): void => {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const current = schemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) throw new SqliteSchemaError(db.name, current, LATEST_SCHEMA_VERSION);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      for (const statement of m.sql) db.exec(statement);
      m.then?.(db);
      record.run(m.version, m.name, now());
    }
  }).immediate();
};

/** The first schema version with a Merkle node table; on older files opened read-only, proofs compute the tree on read. */
export const MERKLE_SCHEMA = 3;

/** The first schema version with leaves in the events row and no node rows below STORED_FROM_LEVEL. */
export const LEAF_COLUMN_SCHEMA = 4;

/** The first schema version with every node in its completing leaf's row (events.nodes) and no node table. */
export const NODE_COLUMN_SCHEMA = 5;

/** The first schema version with a hash_version column; files before it hold only version 1 rows. */
export const HASH_VERSION_SCHEMA = 2;

/**
 * For a read-only connection, which cannot migrate: the file's schema version. A file from
 * before hash v2 stays readable (an auditor's evidence copy must not need a write); every
 * row in it is hash version 1.
 */
export const checkReadable = (db: Database): number => {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) throw new SqliteSchemaError(db.name, current, LATEST_SCHEMA_VERSION);
  if (current < 1)
    throw new Error(`${db.name} has schema version ${current}, older than this build's ${LATEST_SCHEMA_VERSION}; open it read-write once to migrate it`);
  return current;
};

/** The schema versions applied to a file, oldest first. */
export const appliedMigrations = (db: Database): { version: number; name: string; applied_at: string }[] =>
  db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as never;
