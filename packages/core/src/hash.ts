import { hash } from 'node:crypto';
import type { EventEnvelope, StoredEvent } from './events/envelope';

import { canonicalJson } from '@minsheng/verify';

export { canonicalJson };

export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** The hash of the empty log: the first event's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event with its data and metadata written as canonical JSON: the exact text stores keep and hashes cover. */
export interface CanonicalEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
}

/** Serialises data and metadata once; stores do it outside any write lock. */
export const canonicalEvent = (e: EventEnvelope): CanonicalEvent => ({
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: canonicalJson(e.data),
  metadata: canonicalJson(e.metadata),
});

/**
 * What an event's hash covers: where it is in its stream, and everything it says. It is the
 * canonical JSON of { stream, revision, eventId, type, schemaVersion, data, metadata }, written
 * from the already canonical parts with its keys in code-point order, as canonicalJson sorts
 * them (event-store's stored-row.unit.test.ts holds the two equal on awkward events).
 */
export const canonicalContent = (stream: string, revision: number, e: CanonicalEvent): string =>
  `{"data":${e.data},"eventId":${JSON.stringify(e.eventId)},"metadata":${e.metadata},"revision":${revision},` +
  `"schemaVersion":${e.schemaVersion},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(e.type)}}`;

export const hashedContent = (stream: string, revision: number, e: EventEnvelope): string =>
  canonicalContent(stream, revision, canonicalEvent(e));

/** hash = SHA-256(prevHash ‖ "\n" ‖ canonical content). */
export const linkHash = (prevHash: string, content: string): string => sha256Hex(`${prevHash}\n${content}`);

export const chainHash = (prevHash: string, stream: string, revision: number, e: EventEnvelope): string =>
  linkHash(prevHash, hashedContent(stream, revision, e));

/*
 * Hash versions. Version 1 (every event stored before hash v2) covers the content above.
 * Version 2 also covers the event's global position and its stored_at, so renumbering the
 * log or changing when a row says it was written breaks the chain. Each row records its
 * version; versions never go down along positions, or a forger could write version 1 to
 * leave the position out of the hash.
 */
export type HashVersion = 1 | 2;

/** The version every new event is hashed with. */
export const HASH_VERSION = 2 as const;

/**
 * What a version 2 hash covers: the canonical JSON of { stream, revision, position, storedAt,
 * eventId, type, schemaVersion, data, metadata }, keys in code-point order as canonicalJson
 * sorts them (hash.unit.test.ts holds the two equal).
 */
export const canonicalContentV2 = (stream: string, revision: number, position: number, storedAt: string, e: CanonicalEvent): string =>
  `{"data":${e.data},"eventId":${JSON.stringify(e.eventId)},"metadata":${e.metadata},"position":${position},"revision":${revision},` +
  `"schemaVersion":${e.schemaVersion},"storedAt":${JSON.stringify(storedAt)},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(e.type)}}`;

export const chainHashV2 = (prevHash: string, stream: string, revision: number, position: number, storedAt: string, e: EventEnvelope): string =>
  linkHash(prevHash, canonicalContentV2(stream, revision, position, storedAt, canonicalEvent(e)));

/**
 * The hash a stored event should have after `prevHash`, by its own hash version (none: 1).
 * Null when the version is unknown or a version 2 event has no storedAt.
 */
export const storedEventHash = (prevHash: string, e: StoredEvent): string | null => {
  const version = e.hashVersion ?? 1;
  if (version === 1) return chainHash(prevHash, e.stream, e.revision, e);
  if (version === 2 && typeof e.storedAt === 'string') return chainHashV2(prevHash, e.stream, e.revision, e.position, e.storedAt, e);
  return null;
};

