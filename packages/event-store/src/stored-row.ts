import { canonicalContent, canonicalEvent, GENESIS_HASH, linkHash, type CanonicalEvent, type EventRegistry, type StoredEvent } from '@minsheng/core';
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
}

/** An envelope with its payload already written as canonical JSON (done once, outside any write lock). */
export type EncodedEvent = CanonicalEvent;

export const encodeEvent = canonicalEvent;

/** Places an encoded event in the log: its revision, its position and its link to the event before it. */
export const chainRow = (prevHash: string, position: number, stream: string, revision: number, e: EncodedEvent): StoredRow => ({
  position,
  stream,
  revision,
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  metadata: e.metadata,
  prevHash,
  hash: linkHash(prevHash, canonicalContent(stream, revision, e)),
});

/**
 * The rows of a decided append: the events chained after the log's head (none: an empty log),
 * at the next revisions of a stream now at `actual`.
 */
export const chainAfter = (
  head: { readonly hash: string; readonly position: number } | null | undefined,
  stream: string,
  actual: CurrentRevision,
  events: readonly EncodedEvent[],
): StoredRow[] => {
  let prevHash = head?.hash ?? GENESIS_HASH;
  let position = head?.position ?? 0;
  let revision = actual === NO_STREAM ? -1 : actual;
  const rows: StoredRow[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    rows[i] = chainRow(prevHash, ++position, stream, ++revision, events[i]!);
    prevHash = rows[i]!.hash;
  }
  return rows;
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
