import { sha256Hex } from './canonical';
import type { Checkpoint, SignedCheckpoint } from './checkpoint';

/**
 * A view's receipt: a checkpoint of the log as it stood when the view was computed (its size and
 * Merkle root at the view's known-at), whose signed text also names the view — its format, plan,
 * as-of, known-at and the SHA-256 of the exported file's bytes:
 *
 *   harbin-ledger\n1598\n<root>\ntime 2025-01-05T02:00:00.000Z\n
 *   view json\nplan harbin-2024\nas-of 2025-01-01\nknown-at 2025-01-05T02:00:00.000Z\nsha256 <hex>\n
 *
 * So it is checked as any checkpoint (its root against an exported log, `minsheng verify
 * --checkpoint`), and the file against it.
 */
export interface ViewReceipt {
  /** csv, json, html or xlsx. */
  readonly format: string;
  readonly plan: string;
  readonly asOf: string;
  readonly knownAt: string;
  /** SHA-256 of the exported file's bytes, hex. */
  readonly sha256: string;
}

const FIELDS = [
  ['view', 'format'],
  ['plan', 'plan'],
  ['as-of', 'asOf'],
  ['known-at', 'knownAt'],
  ['sha256', 'sha256'],
] as const;

/** The checkpoint to sign for a view computed from the log's first `log.size` events. */
export const viewReceipt = (log: Omit<Checkpoint, 'extensions'>, view: ViewReceipt): Checkpoint => {
  const bad = FIELDS.find(([, k]) => !/^\S+$/.test(view[k]));
  if (bad) throw new TypeError(`a receipt's ${bad[0]} is one word, not ${JSON.stringify(view[bad[1]])}`);
  return { ...log, extensions: FIELDS.map(([name, k]) => `${name} ${view[k]}`) };
};

/** The view a signed checkpoint names, or a sentence saying why it names none. */
export const receiptOf = (c: SignedCheckpoint): ViewReceipt | string => {
  const lines = new Map((c.extensions ?? []).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const));
  const missing = FIELDS.filter(([name]) => !lines.get(name));
  if (missing.length) return `it is a checkpoint, not a view's receipt (no ${missing.map(([n]) => `"${n}"`).join(', ')} line)`;
  const r = Object.fromEntries(FIELDS.map(([name, k]) => [k, lines.get(name)!])) as unknown as ViewReceipt;
  if (!/^[0-9a-f]{64}$/.test(r.sha256)) return `its sha256 line "${r.sha256}" is not 64 hex digits`;
  return r;
};

/** Null when `bytes` are the file the receipt signs; otherwise why not. */
export const checkViewFile = (receipt: ViewReceipt, bytes: Uint8Array): string | null => {
  const actual = sha256Hex(bytes);
  return actual === receipt.sha256 ? null : `its SHA-256 is ${actual}; the receipt signs ${receipt.sha256}: the file was altered or is another export`;
};
