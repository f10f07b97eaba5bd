import { hash } from 'node:crypto';
import type { EventEnvelope, StoredEvent } from './events/envelope';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit (as RFC 8785 does), no whitespace,
 * undefined members left out (undefined in an array is null). Figures are decimal strings,
 * so no float formatting enters a hash. Written for the append path: no intermediate
 * arrays, and strings that need no escaping are quoted directly.
 */
export const canonicalJson = (v: unknown): string => {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(v);
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (v[i] === undefined ? 'null' : canonicalJson(v[i]));
        return `${out}]`;
      }
      const o = v as Record<string, unknown>;
      let out = '{';
      for (const k of Object.keys(o).sort()) {
        const x = o[k];
        if (x === undefined) continue;
        out += `${out.length > 1 ? ',' : ''}${quote(k)}:${canonicalJson(x)}`;
      }
      return `${out}}`;
    }
    default:
      return JSON.stringify(v);
  }
};

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
