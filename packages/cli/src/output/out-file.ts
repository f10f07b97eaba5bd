import { realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { failure, refusal } from '../failure';

/** The files a SQLite ledger lives in: the file itself and the journals beside it. */
const ledgerFiles = (ledger: string): string[] => ['', '-wal', '-shm', '-journal'].map((s) => `${ledger}${s}`);

/** The path with its folder's symbolic links resolved, so two spellings of one file compare equal. */
const canonical = (file: string): string => {
  const abs = resolve(file);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
};

/** Device and inode of an existing file (a hard link to the ledger is the ledger), or null. */
const identity = (file: string): string | null => {
  try {
    const s = statSync(file);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
};

/** Whether `out` names the ledger or one of its journals, by path or as the same file. */
const isLedgerFile = (out: string, ledger: string): boolean => {
  const target = canonical(out);
  const id = identity(out);
  return ledgerFiles(canonical(ledger)).some((f) => f === target || (id !== null && identity(f) === id));
};

export interface OutOptions {
  readonly force: boolean;
  readonly ledgerFile?: string;
}

const exists = (file: string): boolean => identity(file) !== null;

/** The refusals of writeOutFile, checked before the export reads anything. */
export const checkOutFile = (out: string, options: OutOptions): void => {
  if (options.ledgerFile !== undefined && isLedgerFile(out, options.ledgerFile))
    throw refusal('usage.outIsLedger', { out, ledger: resolve(options.ledgerFile) });
  if (!options.force && exists(out)) throw refusal('usage.outExists', { out });
};

/**
 * Writes `text` (or a binary file's bytes) to `out` (an export): never over the ledger or its journals, and over any other
 * existing file only with `force`. The refusals come before anything is written; without
 * `force` the file is created exclusively, so one made meanwhile is not overwritten either.
 */
export const writeOutFile = (out: string, text: string | Uint8Array, options: OutOptions): void => {
  checkOutFile(out, options);
  try {
    writeFileSync(out, text, { encoding: 'utf8', flag: options.force ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw refusal('usage.outExists', { out });
    throw failure('failure.cannotWrite', { file: out, reason: code ?? (e as Error).message });
  }
};
