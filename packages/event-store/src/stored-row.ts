import {
  canonicalContent,
  canonicalJson,
  GENESIS_HASH,
  HASH_VERSION,
  isEarlier,
  linkHash,
  type CanonicalEvent,
  type EventEnvelope,
  type EventRegistry,
  type StoredEvent,
} from '@minsheng/core';
import { prefixedEntryAndLeafHash, type Hash } from '@minsheng/verify';
import { prefixedEntry } from './entry-bytes';
import { left, right, type Either } from 'fp-ts/Either';
import { corruptEvent, type ReadError } from './errors';
import { NO_STREAM, type CurrentRevision } from './expected-revision';
import type { AppendResult } from './port';

/**
 * An event as adapters keep it: data and metadata as canonical JSON text, the exact
 * bytes its hash covers. Every adapter stores these fields and decodes them the same way.
 */
export interface StoredRow {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly prevHash: string;
  readonly hash: string;
  /** When the store wrote the row, by its clock (ISO 8601, as toISOString writes it). */
  readonly storedAt: string;
  /** 1 for rows written before hash v2, 2 since (see core's hash.ts). */
  readonly hashVersion: number;
}

/** An envelope with its payload already written as canonical JSON (done once, outside any write lock). */
export interface EncodedEvent extends CanonicalEvent {
  /** metadata.recordedAt, kept beside the text so the write lock can compare it without parsing. */
  readonly recordedAt: string | undefined;
}

/** canonicalEvent, with recordedAt beside it (one literal: this runs for every appended event). */
export const encodeEvent = (e: EventEnvelope): EncodedEvent => {
  const recordedAt = (e.metadata as { recordedAt?: unknown } | undefined)?.recordedAt;
  return {
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: canonicalJson(e.data),
    metadata: canonicalJson(e.metadata),
    recordedAt: typeof recordedAt === 'string' ? recordedAt : undefined,
  };
};

/**
 * Places an encoded event in the log with a version 2 hash: its revision, position, stored_at
 * and link to the event before it; and its Merkle leaf, hashed from the same encoding of the
 * same entry text as the chain hash (the text is built and encoded once an event).
 */
const chainEntry = (
  prevHash: string,
  position: number,
  stream: string,
  revision: number,
  e: CanonicalEvent,
  storedAt: string,
): { readonly row: StoredRow; readonly leaf: Hash } => {
  const hashed = prefixedEntryAndLeafHash(prefixedEntry(prevHash, stream, revision, position, storedAt, e));
  return {
    row: {
      position,
      stream,
      revision,
      eventId: e.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: e.metadata,
      prevHash,
      hash: hashed.hash,
      storedAt,
      hashVersion: HASH_VERSION,
    },
    leaf: hashed.leaf,
  };
};

/** An encoded event placed in the log with a version 2 hash (see chainEntry). */
export const chainRow = (prevHash: string, position: number, stream: string, revision: number, e: CanonicalEvent, storedAt: string): StoredRow =>
  chainEntry(prevHash, position, stream, revision, e, storedAt).row;

/** A row hashed as releases before hash v2 wrote it: for tests of logs written then. */
export const chainRowV1 = (prevHash: string, position: number, stream: string, revision: number, e: CanonicalEvent, storedAt: string): StoredRow => ({
  ...chainEntry(prevHash, position, stream, revision, e, storedAt).row,
  hash: linkHash(prevHash, canonicalContent(stream, revision, e)),
  hashVersion: 1,
});

/** The log's last event as an append needs it: what the next event links to, and the times it may not go before. */
export interface LogHead {
  readonly position: number;
  readonly hash: string;
  /** Its metadata.recordedAt; null when it has none. */
  readonly recordedAt: string | null;
  /** Its stored_at; null when the store kept none. */
  readonly storedAt: string | null;
}

/** An event recorded before the head, taken as recorded at the head's time: its metadata written again. */
const recordedAtHead = (e: EncodedEvent, recordedAt: string): EncodedEvent => {
  const metadata = JSON.parse(e.metadata) as Record<string, unknown>;
  metadata['recordedAt'] = recordedAt;
  return { ...e, metadata: canonicalJson(metadata), recordedAt };
};

/**
 * The rows of a decided append: the events chained after the log's head (null: an empty log),
 * at the next revisions of a stream now at `actual`, stored at `now` (the store's clock), their
 * Merkle leaves (in order), and the log's head after them.
 *
 * Recorded time never goes backwards along positions (docs/concepts.md): writers decide a few
 * milliseconds apart and commit in either order, and a report must never fail on that race, so
 * an event recorded before the event ahead of it is taken as recorded at that event's time.
 * stored_at is clamped the same way. Metadata is written again only then, which is rare.
 */
export const chainAfter = (
  head: LogHead | null | undefined,
  stream: string,
  actual: CurrentRevision,
  events: readonly EncodedEvent[],
  now: string,
): { readonly rows: StoredRow[]; readonly leaves: Hash[]; readonly head: LogHead } => {
  let prevHash = head?.hash ?? GENESIS_HASH;
  let position = head?.position ?? 0;
  let revision = actual === NO_STREAM ? -1 : actual;
  let recordedAt = head?.recordedAt ?? null;
  const storedAt = head?.storedAt && isEarlier(now, head.storedAt) ? head.storedAt : now;
  const rows: StoredRow[] = new Array(events.length);
  const leaves: Hash[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    let e = events[i]!;
    if (e.recordedAt !== undefined) {
      if (recordedAt !== null && isEarlier(e.recordedAt, recordedAt)) e = recordedAtHead(e, recordedAt);
      recordedAt = e.recordedAt!;
    }
    const chained = chainEntry(prevHash, ++position, stream, ++revision, e, storedAt);
    rows[i] = chained.row;
    leaves[i] = chained.leaf;
    prevHash = chained.row.hash;
  }
  return { rows, leaves, head: { position, hash: prevHash, recordedAt, storedAt } };
};

/** What an append that stored `rows` (in order, at least one) returns. */
export const appendedRows = (stream: string, rows: readonly StoredRow[]): AppendResult => ({
  stream,
  nextRevision: rows[rows.length - 1]!.revision,
  positions: rows.map((r) => r.position),
  alreadyStored: false,
});

/**
 * Turns a stored row back into an event: parses its JSON (damage is a CorruptEvent naming
 * the position) and, unless `raw`, upcasts it to the current version through the registry.
 * `hash` and `prevHash` always describe the stored form; verify the chain with raw reads.
 */
export const decodeRow = (row: StoredRow, registry: EventRegistry, raw: boolean): Either<ReadError, StoredEvent> => {
  let data: unknown;
  let metadata: unknown;
  try {
    data = JSON.parse(row.data);
    metadata = JSON.parse(row.metadata);
  } catch (err) {
    return left(corruptEvent(row.position, row.eventId, `its stored JSON is damaged (${(err as Error).message})`));
  }
  const stored: StoredEvent = {
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    schemaVersion: row.schemaVersion,
    data,
    metadata: metadata as StoredEvent['metadata'],
    prevHash: row.prevHash,
    hash: row.hash,
    storedAt: row.storedAt,
    hashVersion: row.hashVersion,
  };
  if (raw) return right(stored);
  const current = registry.upcast(stored);
  if (current._tag === 'Left') return current;
  if (current.right === stored) return right(stored);
  // An older version, upcast: the same event with the current version's data. A literal, not a
  // spread (V8's slow path; reads are hot).
  const up = current.right;
  return right({
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    schemaVersion: up.schemaVersion,
    data: up.data,
    metadata: up.metadata as StoredEvent['metadata'],
    prevHash: row.prevHash,
    hash: row.hash,
    storedAt: row.storedAt,
    hashVersion: row.hashVersion,
  });
};

/** Decodes rows in order, stopping at the first that cannot be read. */
export const decodeRows = (
  rows: readonly StoredRow[],
  registry: EventRegistry,
  raw: boolean,
): Either<ReadError, readonly StoredEvent[]> => {
  const events: StoredEvent[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const e = decodeRow(rows[i]!, registry, raw);
    if (e._tag === 'Left') return e;
    events[i] = e.right;
  }
  return right(events);
};
