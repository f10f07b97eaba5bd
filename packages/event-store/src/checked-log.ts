import { canonicalContent, canonicalContentV2, GENESIS_HASH, isEarlier, linkHash } from '@minsheng/core';
import { brokenChain, corruptEvent, type BrokenChain, type CorruptEvent } from './errors';
import type { StoredRow } from './stored-row';

/*
 * Checked reads: every read that returns events to be projected or audited checks, as it
 * reads, each row's hash and its link to the event before it. The previous hash is at hand
 * (the row before in the page), or one lookup away for the first row of a page or an event
 * read alone (each store's linksAt; PostgreSQL selects it with the rows). One SHA-256 over
 * text the store already holds: no JSON is parsed or written again. `verify` walks the whole
 * log with more checks (core's chainVerifier); these are the ones cheap enough for every read.
 */

/** What a checked read needs of the event before a row. */
export interface ChainLink {
  readonly position: number;
  readonly hash: string;
  readonly hashVersion: number;
  /** Null before the first event. */
  readonly storedAt: string | null;
}

/** The link before the first event: position 0, the genesis hash. */
export const GENESIS_LINK: ChainLink = { position: 0, hash: GENESIS_HASH, hashVersion: 1, storedAt: null };

export const linkOf = (row: StoredRow): ChainLink => ({ position: row.position, hash: row.hash, hashVersion: row.hashVersion, storedAt: row.storedAt });

/** The hash a row should have by its own hash version, from its stored text; null for a version this build does not know. */
export const rowHash = (row: StoredRow): string | null => {
  if (row.hashVersion === 1) return linkHash(row.prevHash, canonicalContent(row.stream, row.revision, row));
  if (row.hashVersion === 2) return linkHash(row.prevHash, canonicalContentV2(row.stream, row.revision, row.position, row.storedAt, row));
  return null;
};

/** Why `row` does not hold after `before` (undefined: no event is stored there), or null when it holds. */
export const rowFault = (before: ChainLink | undefined, row: StoredRow): string | null => {
  if (before === undefined) return `the event before it, at position ${row.position - 1}, is missing`;
  if (row.position !== before.position + 1) return `position ${row.position} does not follow ${before.position}`;
  const version = row.hashVersion;
  if (version !== 1 && version !== 2) return `hash version ${JSON.stringify(version)} is not one this build knows (1 or 2)`;
  if (version < before.hashVersion) return `hash version ${version} after version ${before.hashVersion}: versions never go down along positions`;
  if (row.prevHash !== before.hash) return 'prev_hash does not match the hash of the event before it';
  if (version === 2 && before.storedAt !== null && isEarlier(row.storedAt, before.storedAt))
    return `stored_at "${row.storedAt}" is before the previous event's "${before.storedAt}"`;
  if (rowHash(row) !== row.hash) return "stored hash does not match the event's content";
  return null;
};

/** A row whose chain fails because its text is no longer JSON is named for that: the more precise fault. */
const damaged = (row: StoredRow): CorruptEvent | null => {
  try {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    return null;
  } catch (err) {
    return corruptEvent(row.position, row.eventId, `its stored JSON is damaged (${(err as Error).message})`);
  }
};

/** What refuses a row that fails its chain: a CorruptEvent for damaged text, else a BrokenChain. */
export type ChainFault = BrokenChain | CorruptEvent;

const fault = (before: ChainLink | undefined, row: StoredRow): ChainFault | null => {
  const reason = rowFault(before, row);
  return reason === null ? null : (damaged(row) ?? brokenChain(row.position, row.eventId, reason));
};

/** The link at `position` among those a store looked up (position 0 is the genesis link). */
const at = (links: ReadonlyMap<number, ChainLink>, position: number): ChainLink | undefined =>
  position === 0 ? GENESIS_LINK : links.get(position);

/**
 * Checks a page of the global log read after `from`: it must start at `from + 1`, and each row
 * must hold after the one before it. `before` is the store's link at `from` (ignored for 0).
 */
export const checkLogPage = (from: number, before: ChainLink | undefined, rows: readonly StoredRow[]): ChainFault | null => {
  const first = rows[0];
  if (first && from > 0 && before === undefined)
    return brokenChain(
      first.position,
      first.eventId,
      first.position === from + 1 ? `the event before it, at position ${from}, is missing` : `position ${first.position} does not follow ${from}`,
    );
  let prev = from === 0 ? GENESIS_LINK : before;
  for (const row of rows) {
    const broken = fault(prev, row);
    if (broken) return broken;
    prev = linkOf(row);
  }
  return null;
};

/** The positions whose links checkEvents needs for `rows` (none for the first event). */
export const positionsBefore = (rows: readonly StoredRow[]): number[] => rows.map((r) => r.position - 1).filter((p) => p > 0);

/** Checks events read alone or by stream (not adjacent in the log): each against the link before it, from `links`. */
export const checkEvents = (links: ReadonlyMap<number, ChainLink>, rows: readonly StoredRow[]): ChainFault | null => {
  for (const row of rows) {
    const broken = fault(at(links, row.position - 1), row);
    if (broken) return broken;
  }
  return null;
};

/** Checks the log's head before an append chains onto it: its own hash must match its content. */
export const checkHead = (head: StoredRow | undefined): BrokenChain | null => {
  if (head === undefined) return null;
  const version = head.hashVersion;
  const reason =
    version !== 1 && version !== 2
      ? `hash version ${JSON.stringify(version)} is not one this build knows (1 or 2)`
      : rowHash(head) !== head.hash
        ? "stored hash does not match the event's content; nothing is appended after it"
        : null;
  return reason === null ? null : brokenChain(head.position, head.eventId, reason);
};
