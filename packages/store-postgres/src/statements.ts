import type { ChainLink, LogHead, StoredAt, StoredRow } from '@minsheng/event-store';
import { escapeLiteral, type QueryArrayConfig, type QueryConfig } from 'pg';
import { EVENT_COLUMNS, JOIN_LINK, LINK_COLUMNS, STORED_AT } from './event-rows';
import type { LedgerNames } from './names';

/**
 * insertRows' parameters $1-$14 (and fastInsert's): the rows as columns, the hash version, then
 * each stream written and its revision after the rows.
 */
export const insertParams = (rows: readonly StoredRow[], revisions: ReadonlyMap<string, number>, hashVersion: number): unknown[] => {
  const column = <K extends keyof StoredRow>(k: K) => rows.map((r) => r[k]);
  return [
    column('position'), column('stream'), column('revision'), column('eventId'), column('type'), column('schemaVersion'), column('data'),
    column('metadata'), column('prevHash'), column('hash'), column('storedAt'), hashVersion, [...revisions.keys()], [...revisions.values()],
  ];
};

/*
 * Every statement the store sends, named so each connection parses it once. Names carry
 * the schema (as a digest): one pool may serve ledgers in several schemas.
 */

/** The head row as the append state's JSON holds it. */
export type PgRow = Omit<StoredRow, 'position' | 'revision'> & { position: string; revision: string };

export const headRowOf = (r: PgRow): StoredRow => ({ ...r, position: Number(r.position), revision: Number(r.revision) });

/** The log's head as an append reads it under the lock. */
export interface HeadColumns {
  readonly head_position: string | null;
  readonly head_hash: string | null;
  /** The head's metadata text; its recordedAt is read in the store (a damaged row must not stop appends). */
  readonly head_metadata: string | null;
  readonly head_stored_at: string | null;
  /** The head's whole row (null for an empty log): an append checks its hash before chaining onto it. */
  readonly head_row: PgRow | null;
}

/** What appends read under the lock, from one snapshot. */
export interface AppendState extends HeadColumns {
  readonly revisions: { readonly stream: string; readonly revision: number }[];
  readonly found: StoredAt[];
  /** The size the last append left the Merkle tree at (merkle_sizes). */
  readonly tree_size: string;
  /** The tree's right edge after the head (tree-columns.ts: edgeLevels), hex; null where the row lacks it. */
  readonly edge: { readonly level: number; readonly hash: string | null }[];
}

/** metadata.recordedAt of a stored metadata text; null when it has none or cannot be read. */
const recordedAtOf = (metadata: string | null): string | null => {
  if (metadata === null) return null;
  try {
    const at = (JSON.parse(metadata) as { recordedAt?: unknown } | null)?.recordedAt;
    return typeof at === 'string' ? at : null;
  } catch {
    return null;
  }
};

/** The log's head as the append read it; null for an empty log. */
export const logHeadOf = (state: HeadColumns): LogHead | null =>
  state.head_hash === null
    ? null
    : { hash: state.head_hash, position: Number(state.head_position), recordedAt: recordedAtOf(state.head_metadata), storedAt: state.head_stored_at };

/** The log's last row, joined onto one row (empty columns for an empty log). */
const headOf = (n: LedgerNames) => `FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash,
           ${STORED_AT('stored_at')} AS stored_at, hash_version
         FROM ${n.events} ORDER BY position DESC LIMIT 1
       ) AS head ON true`;

/** The head's columns, as HeadColumns names them. */
const HEAD_COLUMNS = `head.position AS head_position,
         head.hash AS head_hash,
         head.metadata AS head_metadata,
         head.stored_at AS head_stored_at,
         CASE WHEN head.position IS NULL THEN NULL ELSE json_build_object('position', head.position, 'stream', head.stream,
           'revision', head.revision, 'eventId', head.event_id, 'type', head.type, 'schemaVersion', head.schema_version,
           'data', head.data, 'metadata', head.metadata, 'prevHash', head.prev_hash, 'hash', head.hash,
           'storedAt', head.stored_at, 'hashVersion', head.hash_version) END AS head_row`;

/**
 * A text[] as an SQL literal: the array's text form (each element quoted, backslashes and
 * quotes escaped, as pg writes array parameters), quoted as a string by pg's escapeLiteral.
 */
export const textArrayLiteral = (values: readonly string[]): string =>
  escapeLiteral(`{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`);

export type Statement = (...values: unknown[]) => QueryConfig;
export type ArrayStatement = (...values: unknown[]) => QueryArrayConfig;

export const statements = (n: LedgerNames) => {
  const named =
    (name: string, text: string): Statement =>
    (...values) => ({ name: `${n.statementPrefix}${name}`, text, values });
  /** A statement whose rows come as arrays (see event-rows.ts). */
  const arrays =
    (name: string, text: string): ArrayStatement =>
    (...values) => ({ name: `${n.statementPrefix}${name}`, text, values, rowMode: 'array' });
  const withLinks = `SELECT ${EVENT_COLUMNS}, ${LINK_COLUMNS} FROM ${n.events} e ${JOIN_LINK(n.events)}`;
  return {
    /**
     * BEGIN, the append lock, then what appends read under it (the head, the current revision
     * of each stream, the ids stored already, the Merkle tree's size and right edge: the rows at
     * the positions edgeLevels names, each found by primary key), in one round trip: a simple query cannot bind
     * parameters, so the streams and ids go in as literals (textArrayLiteral). READ COMMITTED,
     * so the read, a statement of its own after the lock, sees every append committed before it.
     * Round trips weigh most on a loaded machine (each waits for the server's process to run).
     */
    beginAppend: (streams: readonly string[], ids: readonly string[]): string =>
      `BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; SELECT pg_advisory_xact_lock(${n.appendLock});
       SELECT
         (SELECT coalesce(json_agg(json_build_object('stream', s.stream, 'revision', s.revision)), '[]')
            FROM ${n.streams} s WHERE s.stream = ANY(${textArrayLiteral(streams)}::text[])) AS revisions,
         ${HEAD_COLUMNS},
         (SELECT coalesce(json_agg(json_build_object('eventId', e.event_id, 'stream', e.stream, 'revision', e.revision, 'position', e.position)), '[]')
            FROM ${n.events} e WHERE e.event_id = ANY(${textArrayLiteral(ids)}::text[])) AS found,
         (SELECT max(size) FROM ${n.merkleSizes}) AS tree_size,
         (SELECT coalesce(json_agg(json_build_object('level', b.level, 'hash', encode(CASE WHEN b.level = 0 THEN x.leaf
              ELSE substring(x.nodes FROM (b.level - 1) * 32 + 1 FOR 32) END, 'hex'))), '[]')
            FROM generate_series(0, 62) AS b(level),
              LATERAL (SELECT x.leaf, x.nodes FROM ${n.events} x WHERE x.position = (head.position >> b.level) << b.level OFFSET 0) AS x
            WHERE (head.position >> b.level) & 1 = 1) AS edge
       ${headOf(n)}`,

    /**
     * One statement for any number of rows, of any streams, as parallel arrays, with their Merkle
     * leaves and nodes ($15, $16) and the tree's new size ($17); then each stream's new revision.
     */
    insertRows: named(
      'insert-rows',
      `WITH inserted AS (
         INSERT INTO ${n.events} (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version, leaf, nodes)
         SELECT t.position, t.stream, t.revision, t.event_id, t.type, t.schema_version, t.data, t.metadata, t.prev_hash, t.hash, t.stored_at, $12::smallint,
           t.leaf, t.nodes
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[], $10::text[],
           $11::timestamptz[], $15::bytea[], $16::bytea[]) AS t(position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, leaf, nodes)
       ), sized AS (
         INSERT INTO ${n.merkleSizes} (size) VALUES ($17::bigint)
       )
       INSERT INTO ${n.streams} (stream, revision) SELECT * FROM unnest($13::text[], $14::bigint[])
       ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision`,
    ),

    /**
     * The fast append (fast-append.ts): insertRows as one autocommit statement that inserts
     * nothing unless what the rows were chained from still holds — the head is still the row
     * the process last saw, column for column ($15–$26; position 0: an empty log), and each
     * stream is at the revision assumed ($27, $28; -1: no stream); an event id stored already
     * fails on its key. Each check is an index lookup whatever plan pg caches (a generic plan
     * made before the table has statistics scans it for `position > $15` or `= ANY($4)`). The
     * append lock is taken in the guard, which is materialized: no row is inserted before it is
     * held, so fast and slow appends never write at once. The guard reads the snapshot taken
     * before the lock was granted; an append committed meanwhile takes the same position, so
     * the insert fails on the key (and the insert trigger still checks the chain). The Merkle
     * tree's recorded size must be the head's too; the rows' leaves, nodes and the new size are
     * $29–$31 (the right edge they were computed from is the head's, known with it). Answers
     * one row a stream written, none when the guard failed.
     */
    fastInsert: named(
      'fast-insert',
      `WITH guard AS MATERIALIZED (
         SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(${n.appendLock}) AS locked) AS lock
         WHERE (SELECT max(position) FROM ${n.events}) IS NOT DISTINCT FROM nullif($15::bigint, 0)
           AND (SELECT max(size) FROM ${n.merkleSizes}) = $15::bigint
           AND ($15::bigint = 0 OR EXISTS (SELECT 1 FROM ${n.events} h WHERE h.position = $15::bigint AND h.stream = $16::text
             AND h.revision = $17::bigint AND h.event_id = $18::text AND h.type = $19::text AND h.schema_version = $20::integer
             AND h.data = $21::text AND h.metadata = $22::text AND h.prev_hash = $23::text AND h.hash = $24::text
             AND h.stored_at = $25::timestamptz AND h.hash_version = $26::smallint))
           AND NOT EXISTS (SELECT 1 FROM unnest($27::text[], $28::bigint[]) AS g(stream, revision)
             WHERE (SELECT s.revision FROM ${n.streams} s WHERE s.stream = g.stream) IS DISTINCT FROM nullif(g.revision, -1))
       ), inserted AS (
         INSERT INTO ${n.events} (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version, leaf, nodes)
         SELECT t.position, t.stream, t.revision, t.event_id, t.type, t.schema_version, t.data, t.metadata, t.prev_hash, t.hash, t.stored_at, $12::smallint,
           t.leaf, t.nodes
         FROM guard, unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[], $10::text[],
           $11::timestamptz[], $29::bytea[], $30::bytea[]) AS t(position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, leaf, nodes)
       ), sized AS (
         INSERT INTO ${n.merkleSizes} (size) SELECT $31::bigint FROM guard
       )
       INSERT INTO ${n.streams} (stream, revision) SELECT u.stream, u.revision FROM guard, unnest($13::text[], $14::bigint[]) AS u(stream, revision)
       ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision`,
    ),

    /** A stream's rows from a revision on, each with the link before it. */
    streamForward: arrays('stream-forward', `${withLinks} WHERE e.stream = $1 AND e.revision >= $2 ORDER BY e.revision LIMIT $3`),
    streamBackward: arrays('stream-backward', `${withLinks} WHERE e.stream = $1 AND e.revision <= $2 ORDER BY e.revision DESC LIMIT $3`),
    /** Whole streams at once, each row with the link before it, in log order (gathered-reads.ts). */
    streamsWhole: arrays('streams-whole', `${withLinks} WHERE e.stream = ANY($1::text[]) ORDER BY e.position`),
    /**
     * The log from a position on, inclusive: a checked read asks from the position it reads after,
     * so the page's first row is the link before the rest (one round trip, no lookup).
     */
    logPage: arrays('log-page', `SELECT ${EVENT_COLUMNS} FROM ${n.events} e WHERE e.position >= $1 ORDER BY e.position LIMIT $2`),
    /** Events by id, each with the link before it (gathered-reads.ts: the reads of one tick share it). */
    events: arrays('events', `${withLinks} WHERE e.event_id = ANY($1::text[])`),
    /** The log's last row with the link before it (lastEvent: the head and the event there). */
    last: arrays('last', `${withLinks} ORDER BY e.position DESC LIMIT 1`),
    /** A filtered page (log-filter.ts): a NULL type list or prefix keeps every event; the prefix is a LIKE pattern escaped with a backslash. Each row carries its own link: a filtered page is not dense. */
    logFiltered: arrays(
      'log-filtered',
      `${withLinks} WHERE e.position > $1 AND e.position <= $2
       AND ($3::text[] IS NULL OR e.type = ANY($3::text[])) AND ($4::text IS NULL OR e.stream LIKE $4::text)
       ORDER BY e.position LIMIT $5`,
    ),
    /** The size the last append left the Merkle tree at. */
    treeSize: named('tree-size', `SELECT max(size) AS size FROM ${n.merkleSizes}`),
    /**
     * Merkle nodes by (level, position of the row keeping it: tree-columns.ts), in the order asked
     * ($1 levels, $2 positions): level 0 is a row's leaf, level l ≥ 1 slot l - 1 of its nodes.
     * Each row is found by primary key (LATERAL … OFFSET 0), whatever the statistics.
     */
    treeNodes: arrays(
      'tree-nodes',
      `SELECT CASE WHEN k.level = 0 THEN x.leaf ELSE substring(x.nodes FROM (k.level - 1) * 32 + 1 FOR 32) END
       FROM unnest($1::integer[], $2::bigint[]) WITH ORDINALITY AS k(level, position, i)
         LEFT JOIN LATERAL (SELECT x.leaf, x.nodes FROM ${n.events} x WHERE x.position = k.position OFFSET 0) AS x ON true
       ORDER BY k.i`,
    ),
    streamRevision: named('stream-revision', `SELECT revision FROM ${n.streams} WHERE stream = $1`),
    headPosition: named('head-position', `SELECT coalesce(max(position), 0) AS head FROM ${n.events}`),
  };
};
