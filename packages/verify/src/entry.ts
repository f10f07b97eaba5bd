import { canonicalJson, sha256Hex } from './canonical';
import { leafHash, type Hash } from './merkle';

/** The hash of the empty log: the first event's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One event of an exported log (a line of `minsheng export --events`): everything its hash
 * covers, and the hash and link the ledger stored.
 */
export interface LogEntry {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Version 2 hashes cover it; version 1 rows may have none. */
  readonly storedAt?: string | null;
  readonly hashVersion: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The bytes an event's hash covers, as the ledger hashes them: prevHash, a line feed, and the
 * canonical JSON of the event's place in the log and content (version 2 adds position and
 * storedAt). These bytes are also the event's Merkle leaf entry. Null for an unknown version.
 */
export const entryText = (e: LogEntry): string | null => {
  const data = canonicalJson(e.data);
  const metadata = canonicalJson(e.metadata);
  const id = JSON.stringify(e.eventId);
  const stream = JSON.stringify(e.stream);
  const type = JSON.stringify(e.type);
  if (e.hashVersion === 1)
    return `${e.prevHash}\n{"data":${data},"eventId":${id},"metadata":${metadata},"revision":${e.revision},"schemaVersion":${e.schemaVersion},"stream":${stream},"type":${type}}`;
  if (e.hashVersion === 2 && typeof e.storedAt === 'string')
    return (
      `${e.prevHash}\n{"data":${data},"eventId":${id},"metadata":${metadata},"position":${e.position},"revision":${e.revision},` +
      `"schemaVersion":${e.schemaVersion},"storedAt":${JSON.stringify(e.storedAt)},"stream":${stream},"type":${type}}`
    );
  return null;
};

/** The event's hash recomputed from its content (null: unknown hash version). */
export const entryHash = (e: LogEntry): string | null => {
  const text = entryText(e);
  return text === null ? null : sha256Hex(text);
};

/** RFC 9162 leaf hash of the event: H(0x00 ‖ the bytes its chain hash covers). */
export const entryLeaf = (e: LogEntry): Hash | null => {
  const text = entryText(e);
  return text === null ? null : leafHash(text);
};

const FIELDS: ReadonlyArray<[keyof LogEntry, (v: unknown) => boolean, string]> = [
  ['position', (v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a whole number ≥ 1'],
  ['stream', (v) => typeof v === 'string', 'a string'],
  ['revision', (v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a whole number ≥ 0'],
  ['eventId', (v) => typeof v === 'string', 'a string'],
  ['type', (v) => typeof v === 'string', 'a string'],
  ['schemaVersion', (v) => Number.isSafeInteger(v), 'a whole number'],
  ['data', (v) => v !== undefined, 'present'],
  ['metadata', (v) => v !== undefined, 'present'],
  ['storedAt', (v) => v === undefined || v === null || typeof v === 'string', 'a string or null'],
  ['hashVersion', (v) => Number.isSafeInteger(v), 'a whole number'],
  ['prevHash', (v) => typeof v === 'string', 'a string'],
  ['hash', (v) => typeof v === 'string', 'a string'],
];

/** Why a parsed line is not a LogEntry (the first field that is wrong), or null. */
export const entryShapeFault = (x: unknown): string | null => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'it is not a JSON object';
  for (const [name, ok, what] of FIELDS) if (!ok((x as Record<string, unknown>)[name])) return `its "${name}" is not ${what}`;
  return null;
};
