import { existsSync } from 'node:fs';
import type { LogAt } from '@minsheng/event-store';
import { sha256Hex, signCheckpoint, viewReceipt, type SignerKey } from '@minsheng/verify';
import { refusal } from '../failure';
import { writeOutFile, type OutOptions } from '../output/out-file';

/** Where `export --key` writes the receipt of the file it exported. */
export const receiptFile = (out: string): string => `${out}.receipt`;

/** The refusals of writeReceipt, checked before the export reads anything. */
export const checkReceiptFile = (out: string | undefined, options: OutOptions): void => {
  if (out === undefined) throw refusal('usage.receiptNeedsOut');
  if (!options.force && existsSync(receiptFile(out)))
    throw refusal('usage.receiptExists', { file: receiptFile(out) });
};

export interface ReceiptInput {
  readonly key: SignerKey;
  /** The log as it stood at the view's known-at: the events the view was computed from. */
  readonly log: LogAt;
  readonly format: string;
  readonly plan: string;
  readonly asOf: string;
  readonly knownAt: string;
  /** When the receipt is signed. */
  readonly time: Date;
}

/**
 * Signs the receipt of an exported view (a checkpoint of the log it was computed from that also
 * names the view and the SHA-256 of the file's bytes) and writes it beside the file.
 */
export const writeReceipt = (out: string, bytes: string | Uint8Array, r: ReceiptInput, options: OutOptions): string => {
  const checkpoint = viewReceipt(
    { origin: r.key.name, size: r.log.size, root: Buffer.from(r.log.root, 'hex'), time: r.time.toISOString() },
    { format: r.format, plan: r.plan, asOf: r.asOf, knownAt: r.knownAt, sha256: sha256Hex(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes) },
  );
  const file = receiptFile(out);
  writeOutFile(file, signCheckpoint(checkpoint, r.key), options);
  return file;
};
