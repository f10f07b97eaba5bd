import { binaryEvent, jsonEvent, type EventData, type JSONType, type RecordedEvent, type ResolvedEvent } from '@eventstore/db-client';
import { canonicalJson } from '@minsheng/core';
import { corruptEvent, type CorruptEvent, type StoredRow } from '@minsheng/event-store';
import { left, right, type Either } from 'fp-ts/Either';
import { esdbEventId, uuidToUlid } from './event-id';

/*
 * A ledger event in ESDB is one JSON event in the ledger's log stream: its ESDB type is
 * our type, its data our data, and its metadata carries everything else the port keeps
 * (the envelope's metadata, schema version, stream, revision and both hashes). The event's
 * position is its revision in the log plus one, so it is never stored.
 */

/** Version of the metadata layout below; a reader refuses a layout it does not know. */
export const LEDGER_FORMAT = 1;

export interface LogMetadata {
  readonly minsheng: typeof LEDGER_FORMAT;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly schemaVersion: number;
  /** The envelope's metadata (actor, recordedAt, correlationId, ...). */
  readonly metadata: unknown;
  readonly prevHash: string;
  readonly hash: string;
  /** When the adapter wrote the event (the store's clock), beside metadata.recordedAt which callers set. */
  readonly storedAt: string;
  /** The event's hash version (see core's hash.ts); absent in events written before hash v2, which are version 1. */
  readonly hashVersion?: number;
  /** Copied from metadata.correlationId so ESDB's $by_correlation_id projection groups ledger events too. */
  readonly $correlationId?: string;
}

export const positionOfLogRevision = (revision: bigint): number => Number(revision) + 1;
export const logRevisionOfPosition = (position: number): bigint => BigInt(position - 1);

/** The ESDB event for a chained row. Data and metadata are the row's canonical JSON, parsed once more. */
export const toLogEvent = (row: StoredRow): EventData => {
  const metadata = JSON.parse(row.metadata) as unknown;
  const correlationId = (metadata as { correlationId?: unknown } | null)?.correlationId;
  const logMetadata: LogMetadata = {
    minsheng: LEDGER_FORMAT,
    eventId: row.eventId,
    stream: row.stream,
    revision: row.revision,
    schemaVersion: row.schemaVersion,
    metadata,
    prevHash: row.prevHash,
    hash: row.hash,
    storedAt: row.storedAt,
    hashVersion: row.hashVersion,
    ...(typeof correlationId === 'string' ? { $correlationId: correlationId } : {}),
  };
  return jsonEvent({ id: esdbEventId(row.eventId), type: row.type, data: JSON.parse(row.data) as JSONType, metadata: logMetadata });
};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
const isRevision = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isHash = (s: unknown): s is string => typeof s === 'string';

/**
 * Reads a log event back into the row the port's decoder takes. The client has parsed the
 * JSON already; when it could not, it hands over the raw text (data) or bytes (metadata),
 * which is how damaged storage shows up here: a CorruptEvent naming the position.
 */
export const fromLogEvent = (e: RecordedEvent): Either<CorruptEvent, StoredRow> => {
  const position = positionOfLogRevision(e.revision);
  const meta = e.metadata as unknown;
  const eventId = isRecord(meta) && typeof meta['eventId'] === 'string' ? meta['eventId'] : (uuidToUlid(e.id) ?? e.id);
  const corrupt = (why: string) => left(corruptEvent(position, eventId, why));
  if (!isRecord(meta)) return corrupt('its ESDB metadata is not a JSON object');
  if (meta['minsheng'] !== LEDGER_FORMAT) return corrupt(`its ESDB metadata is not ledger format ${LEDGER_FORMAT}`);
  const { stream, revision, schemaVersion, metadata, prevHash, hash, storedAt, hashVersion = 1 } = meta;
  if (typeof stream !== 'string' || !isRevision(revision) || typeof schemaVersion !== 'number' || !isHash(prevHash) || !isHash(hash))
    return corrupt('its ESDB metadata lacks the stream, revision, schema version or hashes');
  if (typeof storedAt !== 'string' || typeof hashVersion !== 'number') return corrupt('its ESDB metadata lacks storedAt or has a hash version that is not a number');
  if (metadata === undefined) return corrupt('its ESDB metadata lacks the envelope metadata');
  // Ledger data is always a JSON object; a string here is text the client failed to parse.
  if (!e.isJson || typeof e.data !== 'object' || e.data === null || e.data instanceof Uint8Array)
    return corrupt('its stored data is not a JSON object');
  return right({
    position,
    stream,
    revision,
    eventId,
    type: e.type,
    schemaVersion,
    // Canonical again, as stored and hashed: the client hands back parsed JSON.
    data: canonicalJson(e.data),
    metadata: canonicalJson(metadata),
    prevHash,
    hash,
    storedAt,
    hashVersion,
  });
};

/** A link ($>) event pointing at a log position: ESDB resolves it to the event when read with resolveLinkTos. */
export const linkTo = (log: string, position: number, id: string): EventData =>
  binaryEvent({ id, type: '$>', data: Buffer.from(`${logRevisionOfPosition(position)}@${log}`, 'utf8') });

const LINK = /^(\d+)@([\s\S]*)$/;

/** The log position a link event points at, or null if it is not a link into `log`. */
export const linkTarget = (link: RecordedEvent | undefined, log: string): number | null => {
  if (!link || link.type !== '$>' || !(link.data instanceof Uint8Array)) return null;
  const m = LINK.exec(Buffer.from(link.data).toString('utf8'));
  return m && m[2] === log ? positionOfLogRevision(BigInt(m[1]!)) : null;
};

/** What a link in a stream or id stream must lead to. */
export type LinkExpectation = { readonly stream: string; readonly revision: number } | { readonly eventId: string };

/**
 * The row a resolved link leads to, checked against what the link stands for. A link whose
 * event is gone (the log was truncated or deleted) or is another event is a CorruptEvent.
 */
export const fromLinkedEvent = (resolved: ResolvedEvent, log: string, expect: LinkExpectation): Either<CorruptEvent, StoredRow> => {
  const position = linkTarget(resolved.link ?? resolved.event, log);
  const target = resolved.link ? resolved.event : undefined;
  const named = 'eventId' in expect ? expect.eventId : `${expect.stream}@${expect.revision}`;
  if (position === null) return left(corruptEvent(0, 'eventId' in expect ? expect.eventId : '', `the index entry for ${named} is not a link into ${log}`));
  if (!target || target.type === '$>' || target.streamId !== log)
    return left(corruptEvent(position, 'eventId' in expect ? expect.eventId : '', `the log event that ${named} links to is gone`));
  const row = fromLogEvent(target);
  if (row._tag === 'Left') return row;
  const r = row.right;
  const matches = 'eventId' in expect ? r.eventId === expect.eventId : r.stream === expect.stream && r.revision === expect.revision;
  return matches && r.position === position ? row : left(corruptEvent(position, r.eventId, `the index entry for ${named} links to another event`));
};
