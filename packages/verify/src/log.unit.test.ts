import { sha256Hex } from './canonical';
import { entryText, GENESIS_HASH, type LogEntry } from './entry';
import { checkLog, isFault } from './log';

const chain = (n: number): LogEntry[] => {
  const out: LogEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = { position: i, stream: 'progress-t13-daoli', revision: i - 1, eventId: `E${i}`, type: 'ProgressReported', schemaVersion: 1,
      data: { value: `${i}`, place: '道里区' }, metadata: { recordedAt: '2024-10-01T00:00:00.000Z' }, storedAt: '2024-10-01T00:00:00.000Z', hashVersion: 2, prevHash: prev, hash: '' };
    const hash = sha256Hex(entryText(e)!);
    out.push({ ...e, hash });
    prev = hash;
  }
  return out;
};

describe('checkLog', () => {
  it('passes an untouched log and builds its tree', () => {
    const r = checkLog(chain(5));
    expect(isFault(r)).toBe(false);
    if (!isFault(r)) expect(r.tree.size).toBe(5);
  });

  it('names the first bad position: a changed payload, a gap, a broken link', () => {
    const log = chain(5);
    expect(checkLog(log.map((e) => (e.position === 3 ? { ...e, data: { value: '30', place: '道里区' } } : e)))).toEqual({ position: 3, eventId: 'E3', reason: "stored hash does not match the event's content" });
    expect(checkLog(log.filter((e) => e.position !== 2))).toEqual({ position: 2, eventId: null, reason: 'position 2 is missing (the next event is at 3)' });
    expect(checkLog(log.map((e) => (e.position === 4 ? { ...e, prevHash: GENESIS_HASH } : e)))).toMatchObject({ position: 4, reason: 'its prev_hash does not link to the hash of position 3' });
  });
});
