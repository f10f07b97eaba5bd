import type { ChainLink, StoredRow } from '@minsheng/event-store';

/*
 * Event rows as reads select them: arrays (pg's rowMode 'array'), not objects, so pg builds no
 * object a row and the store builds each StoredRow once, as a literal. Reads by stream or by id
 * also select the link of the event before each row (a lookup of position - 1), so a checked
 * read is one round trip.
 */

/** stored_at as toISOString writes it (stores write milliseconds), whatever type parser the pool has. */
export const STORED_AT = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A row's columns, in the order storedRowOf reads them, from the table aliased `e`. */
export const EVENT_COLUMNS = `e.position, e.stream, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.prev_hash, e.hash,
  ${STORED_AT('e.stored_at')}, e.hash_version`;

/** The link of the event before each row (all null when none is stored there), from the table aliased `p`. */
export const LINK_COLUMNS = `p.position, p.hash, p.hash_version, ${STORED_AT('p.stored_at')}`;

/**
 * The event before each row beside it, found by primary key row by row. A plain join on
 * position - 1 let the planner, misled by statistics on a log of many small streams, hash the
 * whole table to link 42 rows: 166 ms for a city figure's 14 streams at 140,000 events
 * (LATERAL … OFFSET 0 keeps it from becoming that join again).
 */
export const JOIN_LINK = (events: string): string =>
  `LEFT JOIN LATERAL (SELECT l.position, l.hash, l.hash_version, l.stored_at FROM ${events} l WHERE l.position = e.position - 1 OFFSET 0) p ON true`;

/** One selected row; bigint columns arrive as strings (or numbers or bigints, by the pool's type parsers). */
export type PgArrayRow = readonly unknown[];

/** The StoredRow of an array row of EVENT_COLUMNS. */
export const storedRowOf = (a: PgArrayRow): StoredRow => ({
  position: Number(a[0]),
  stream: a[1] as string,
  revision: Number(a[2]),
  eventId: a[3] as string,
  type: a[4] as string,
  schemaVersion: Number(a[5]),
  data: a[6] as string,
  metadata: a[7] as string,
  prevHash: a[8] as string,
  hash: a[9] as string,
  storedAt: a[10] as string,
  hashVersion: Number(a[11]),
});

const LINK_AT = 12;

/** Rows of EVENT_COLUMNS then LINK_COLUMNS: the rows, and the links before them by position. */
export const rowsWithLinks = (found: readonly PgArrayRow[]): { rows: StoredRow[]; links: Map<number, ChainLink> } => {
  const rows: StoredRow[] = new Array(found.length);
  const links = new Map<number, ChainLink>();
  for (let i = 0; i < found.length; i++) {
    const a = found[i]!;
    rows[i] = storedRowOf(a);
    if (a[LINK_AT] !== null) {
      const position = Number(a[LINK_AT]);
      links.set(position, { position, hash: a[LINK_AT + 1] as string, hashVersion: Number(a[LINK_AT + 2]), storedAt: a[LINK_AT + 3] as string });
    }
  }
  return { rows, links };
};
