import { createHash } from 'node:crypto';
import type { EventEnvelope, StoredEvent } from './events/envelope';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit (JavaScript's default sort,
 * as RFC 8785 does; not by code point, which orders astral characters differently),
 * no whitespace, no undefined. Figures are decimal strings, so no float formatting enters a hash.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint is not JSON');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
};

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash of the empty log: the first event's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: where it is in its stream, and everything it says. */
export const hashedContent = (stream: string, revision: number, e: EventEnvelope): string =>
  canonicalJson({
    stream,
    revision,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
  });

/** hash = SHA-256(prevHash ‖ "\n" ‖ canonical content). */
export const chainHash = (prevHash: string, stream: string, revision: number, e: EventEnvelope): string =>
  sha256Hex(`${prevHash}\n${hashedContent(stream, revision, e)}`);

export type ChainBreak =
  | { readonly _tag: 'ChainBroken'; readonly position: number; readonly eventId: string; readonly reason: string }
  | { readonly _tag: 'ChainOk' };

/**
 * Walks stored events in global order and names the first whose hash or link fails.
 * Feed it with raw (not upcast) events: the hash covers what was stored.
 */
export const chainVerifier = (startPrevHash = GENESIS_HASH) => {
  let prev = startPrevHash;
  let lastPosition = 0;
  let count = 0;
  return {
    check(e: StoredEvent): ChainBreak {
      if (e.position <= lastPosition)
        return { _tag: 'ChainBroken', position: e.position, eventId: e.eventId, reason: `position ${e.position} does not follow ${lastPosition}` };
      if (e.prevHash !== prev)
        return { _tag: 'ChainBroken', position: e.position, eventId: e.eventId, reason: `prev_hash does not match the hash of the event before it` };
      const expected = chainHash(prev, e.stream, e.revision, e);
      if (expected !== e.hash)
        return { _tag: 'ChainBroken', position: e.position, eventId: e.eventId, reason: `stored hash does not match the event's content` };
      prev = e.hash;
      lastPosition = e.position;
      count += 1;
      return { _tag: 'ChainOk' };
    },
    get head(): string {
      return prev;
    },
    get count(): number {
      return count;
    },
  };
};
