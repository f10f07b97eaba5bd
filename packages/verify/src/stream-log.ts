import { createReadStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SignedCheckpoint } from './checkpoint';
import { entryShapeFault, type LogEntry } from './entry';
import { cannotRead, Exit } from './exit';
import { translator } from './messages';
import type { Language } from './language';
import { sayReason } from './reasons';
import { logChecker } from './log';
import { RightEdge } from './tree';

const hex = (b: Buffer): string => b.toString('hex');

/**
 * Checks an exported log (JSON Lines) as it streams from the file, a line at a time, keeping
 * only the Merkle tree's right edge: memory stays flat however long the log. Each checkpoint's
 * root is compared when the count of events reaches its size (`checkpoints` sorted by size).
 * Returns the lines to print for a yes; throws an Exit naming the first line, event or
 * checkpoint that fails.
 */
export const streamLog = async (
  file: string,
  checkpoints: readonly SignedCheckpoint[],
  signatures?: { add(e: LogEntry): string | null; summary(): string },
  lang: Language = 'en',
): Promise<string[]> => {
  const t = translator(lang);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw cannotRead(t, file, err);
  }
  const input = createReadStream('', { fd, encoding: 'utf8' });
  const checker = logChecker(new RightEdge());
  const matched: string[] = [];
  let next = 0;
  const compareDue = () => {
    for (; next < checkpoints.length && checkpoints[next]!.size === checker.tree.size; next++) {
      const c = checkpoints[next]!;
      const root = checker.tree.root();
      if (!root.equals(c.root))
        throw new Exit(3, t('rootDiffers', { size: c.size, file, root: hex(root), signed: hex(c.root) }));
      matched.push(t('rootMatches', { size: c.size, file, time: c.time }));
    }
  };
  const lines = createInterface({ input, crlfDelay: Infinity });
  // A read error ends the lines; it is told after them. (Racing each line against a promise of
  // the error would pile a reaction on that promise a line: memory growing with the log.)
  let readError: unknown;
  input.once('error', (err) => {
    readError = err;
    lines.close();
  });
  try {
    compareDue();
    let lineNo = 0;
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        throw new Exit(3, t('lineNotJson', { file, line: lineNo, error: (err as Error).message }));
      }
      const bad = entryShapeFault(parsed);
      if (bad) throw new Exit(3, t('lineNotEvent', { file, line: lineNo, reason: sayReason(lang, bad) }));
      const fault = checker.add(parsed as LogEntry);
      if (fault)
        throw new Exit(3, t(fault.eventId ? 'eventIdFails' : 'eventFails', { file, position: fault.position, eventId: fault.eventId ?? '', reason: sayReason(lang, fault.reason) }));
      const unsigned = signatures?.add(parsed as LogEntry);
      if (unsigned) {
        const e = parsed as LogEntry;
        throw new Exit(3, t('signatureFails', { file, position: e.position, eventId: e.eventId, type: e.type, reason: sayReason(lang, unsigned) }));
      }
      compareDue();
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (readError !== undefined) throw cannotRead(t, file, readError);
  const size = checker.tree.size;
  const short = checkpoints.find((c) => c.size > size);
  if (short) throw new Exit(3, t('removed', { file, size, signed: short.size }));
  return [
    t('logYes', { file, size, head: checker.headHash }),
    ...matched,
    ...(signatures ? [t('signaturesYes', { file, summary: sayReason(lang, signatures.summary()) })] : []),
  ];
};
