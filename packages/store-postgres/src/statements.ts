import type { ChainLink, LogHead, StoredAt, StoredRow } from '@minsheng/event-store';
import type { QueryConfig } from 'pg';
import type { LedgerNames } from './names';

/*
 * Every statement the store sends, named so each connection parses it once. Names carry
 * the schema (as a digest): one pool may serve ledgers in several schemas.
 */

/** stored_at as toISOString writes it (stores write milliseconds), whatever type parser the pool has. */
const STORED_AT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ROW_COLUMNS = `position, stream, revision, event_id AS "eventId", type, schema_version AS "schemaVersion",
  data, metadata, prev_hash AS "prevHash", hash, ${STORED_AT('stored_at')} AS "storedAt", hash_version AS "hashVersion"`;

/** A row as pg returns it: bigint columns arrive as strings. */
export type PgRow = Omit<StoredRow, 'position' | 'revision'> & { position: string; revision: string };

export const toStoredRow = (r: PgRow): StoredRow => ({ ...r, position: Number(r.position), revision: Number(r.revision) });

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

export type Statement = (...values: unknown[]) => QueryConfig;

export const statements = (n: LedgerNames) => {
  const named =
    (name: string, text: string): Statement =>
    (...values) => ({ name: `${n.statementPrefix}${name}`, text, values });
  return {
    /** READ COMMITTED, so each statement after the lock sees every append committed before it. */
    beginAppend: `BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; SELECT pg_advisory_xact_lock(${n.appendLock})`,

    /** What appends read under the lock: the head, the current revision of each stream, the ids stored already. */
    appendState: named(
      'append-state',
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('stream', s.stream, 'revision', s.revision)), '[]')
            FROM ${n.streams} s WHERE s.stream = ANY($1::text[])) AS revisions,
         ${HEAD_COLUMNS},
         (SELECT coalesce(json_agg(json_build_object('eventId', e.event_id, 'stream', e.stream, 'revision', e.revision, 'position', e.position)), '[]')
            FROM ${n.events} e WHERE e.event_id = ANY($2::text[])) AS found
       ${headOf(n)}`,
    ),

    /** One statement for any number of rows, of any streams, as parallel arrays; then each stream's new revision. */
    insertRows: named(
      'insert-rows',
      `WITH inserted AS (
         INSERT INTO ${n.events} (position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at, hash_version)
         SELECT t.position, t.stream, t.revision, t.event_id, t.type, t.schema_version, t.data, t.metadata, t.prev_hash, t.hash, t.stored_at, $12::smallint
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[], $10::text[],
           $11::timestamptz[]) AS t(position, stream, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, stored_at)
       )
       INSERT INTO ${n.streams} (stream, revision) SELECT * FROM unnest($13::text[], $14::bigint[])
       ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision`,
    ),

    streamForward: named(
      'stream-forward',
      `SELECT ${ROW_COLUMNS} FROM ${n.events} WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
    ),
    streamBackward: named(
      'stream-backward',
      `SELECT ${ROW_COLUMNS} FROM ${n.events} WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
    ),
    logPage: named('log-page', `SELECT ${ROW_COLUMNS} FROM ${n.events} WHERE position > $1 ORDER BY position LIMIT $2`),
    /** A bounded or filtered page (log-filter.ts): a NULL type list or prefix keeps every event; the prefix is a LIKE pattern escaped with a backslash. */
    logFiltered: named(
      'log-filtered',
      `SELECT ${ROW_COLUMNS} FROM ${n.events} WHERE position > $1 AND position <= $2
       AND ($3::text[] IS NULL OR type = ANY($3::text[])) AND ($4::text IS NULL OR stream LIKE $4::text)
       ORDER BY position LIMIT $5`,
    ),
    event: named('event', `SELECT ${ROW_COLUMNS} FROM ${n.events} WHERE event_id = $1`),
    streamRevision: named('stream-revision', `SELECT revision FROM ${n.streams} WHERE stream = $1`),
    /** The links checked reads need: the events at these positions. */
    linksAt: named(
      'links-at',
      `SELECT position, hash, hash_version AS "hashVersion", ${STORED_AT('stored_at')} AS "storedAt"
       FROM ${n.events} WHERE position = ANY($1::bigint[])`,
    ),
    headPosition: named('head-position', `SELECT coalesce(max(position), 0) AS head FROM ${n.events}`),
  };
};
