import { sha256Hex } from '../canonical';
import { entryText, GENESIS_HASH, type LogEntry } from '../entry';

/**
 * A log of `n` chained reports, as `minsheng export --events` writes them; `rewrite` changes the
 * figure at that position and recomputes every later hash (the chain holds, the root does not).
 * For tests only: excluded from the package's build.
 */
export const chain = (n: number, rewrite = 0): LogEntry[] => {
  const out: LogEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = { position: i, stream: `progress-t13-${i % 3}`, revision: Math.floor((i - 1) / 3), eventId: `E${i}`, type: 'ProgressReported', schemaVersion: 1,
      data: { value: `${i === rewrite ? i + 1 : i}`, place: '道里区' }, metadata: { recordedAt: '2024-10-01T00:00:00.000Z' }, storedAt: '2024-10-01T00:00:00.000Z', hashVersion: 2, prevHash: prev, hash: '' };
    const hash = sha256Hex(entryText(e)!);
    out.push({ ...e, hash });
    prev = hash;
  }
  return out;
};

/** The log as JSON Lines. */
export const lines = (log: readonly LogEntry[]): string => log.map((e) => `${JSON.stringify(e)}\n`).join('');
