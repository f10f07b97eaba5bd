import { createReadStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SignedCheckpoint } from './checkpoint';
import { entryShapeFault, type LogEntry } from './entry';
import { cannotRead, Exit } from './exit';
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
): Promise<string[]> => {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw cannotRead(file, err);
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
        throw new Exit(3, `no: the first ${c.size} events of ${file} have the root ${hex(root)}; the checkpoint signs ${hex(c.root)}: history was rewritten`);
      matched.push(`yes: the first ${c.size} events of ${file} have the root the checkpoint of ${c.time} signs`);
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
        throw new Exit(3, `no: ${file} line ${lineNo} is not JSON, cut short or damaged (${(err as Error).message})`);
      }
      const bad = entryShapeFault(parsed);
      if (bad) throw new Exit(3, `no: ${file} line ${lineNo} is not an exported event: ${bad}`);
      const fault = checker.add(parsed as LogEntry);
      if (fault)
        throw new Exit(3, `no: ${file}: event at position ${fault.position}${fault.eventId ? ` (${fault.eventId})` : ''} fails: ${fault.reason}`);
      const unsigned = signatures?.add(parsed as LogEntry);
      if (unsigned) {
        const e = parsed as LogEntry;
        throw new Exit(3, `no: ${file}: event at position ${e.position} (${e.eventId}, ${e.type}) fails its signature check: ${unsigned}`);
      }
      compareDue();
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (readError !== undefined) throw cannotRead(file, readError);
  const size = checker.tree.size;
  const short = checkpoints.find((c) => c.size > size);
  if (short) throw new Exit(3, `no: ${file} has ${size} events; the checkpoint signs ${short.size}: events were removed`);
  return [`yes: ${file}: ${size} events; every hash and link holds; head hash ${checker.headHash}`, ...matched, ...(signatures ? [`yes: ${file}: ${signatures.summary()}`] : [])];
};
