import { chainVerifier, type ChainBreak } from './chain-verifier';
import type { EventEnvelope, StoredEvent } from './events/envelope';
import { canonicalContentV2, canonicalEvent, canonicalJson, chainHash, chainHashV2, GENESIS_HASH, type HashVersion } from './hash';

const envelope = (n: number): EventEnvelope => ({
  eventId: `01J9ZA00000000000000000${String(n).padStart(3, '0')}`,
  type: 'ProgressReported',
  schemaVersion: 2,
  data: { planId: 'mini-2024', task: 1, metric: 't01-stations', place: 'east', figure: { kind: 'quantity', value: String(n), unit: '个' } },
  metadata: { actor: { unit: 'hrss' }, recordedAt: `2024-10-01T09:00:0${n}.000Z`, correlationId: `c-${n}` },
});

const storedAtOf = (n: number) => `2024-10-01T09:00:0${n}.500Z`;

/** A log of `versions.length` events in one stream, each hashed with its version, linked from the genesis hash. */
const storedLog = (versions: readonly HashVersion[]): StoredEvent[] => {
  let prev = GENESIS_HASH;
  return versions.map((version, i) => {
    const e = envelope(i + 1);
    const position = i + 1;
    const storedAt = storedAtOf(i + 1);
    const hash = version === 1 ? chainHash(prev, 'progress-x', i, e) : chainHashV2(prev, 'progress-x', i, position, storedAt, e);
    const stored: StoredEvent = { ...e, stream: 'progress-x', revision: i, position, prevHash: prev, hash, storedAt, hashVersion: version };
    prev = hash;
    return stored;
  });
};

const verify = (events: readonly StoredEvent[]): ChainBreak & { checked?: number } => {
  const v = chainVerifier();
  for (const e of events) {
    const r = v.check(e);
    if (r._tag === 'ChainBroken') return r;
  }
  return { _tag: 'ChainOk' };
};

describe('hash version 2', () => {
  it('covers the canonical JSON of the content with its position and stored_at', () => {
    const e = envelope(1);
    const full = { stream: 'progress-x', revision: 0, position: 7, storedAt: storedAtOf(1), ...e };
    expect(canonicalContentV2('progress-x', 0, 7, storedAtOf(1), canonicalEvent(e))).toBe(canonicalJson(full));
  });

  it('changes with the position and with stored_at, where version 1 does not', () => {
    const e = envelope(1);
    const base = chainHashV2(GENESIS_HASH, 'progress-x', 0, 1, storedAtOf(1), e);
    expect(chainHashV2(GENESIS_HASH, 'progress-x', 0, 2, storedAtOf(1), e)).not.toBe(base);
    expect(chainHashV2(GENESIS_HASH, 'progress-x', 0, 1, storedAtOf(2), e)).not.toBe(base);
    expect(base).not.toBe(chainHash(GENESIS_HASH, 'progress-x', 0, e));
  });
});

describe('chainVerifier over hash versions', () => {
  it('accepts a version 1 log, and events with no version as version 1', () => {
    expect(verify(storedLog([1, 1, 1]))).toEqual({ _tag: 'ChainOk' });
    const unmarked = storedLog([1, 1]).map(({ hashVersion: _v, storedAt: _s, ...e }) => e);
    expect(verify(unmarked)).toEqual({ _tag: 'ChainOk' });
  });

  it('accepts a version 2 log', () => {
    const v = chainVerifier();
    const log = storedLog([2, 2, 2]);
    expect(log.map((e) => v.check(e)._tag)).toEqual(['ChainOk', 'ChainOk', 'ChainOk']);
    expect(v.head).toBe(log[2]!.hash);
  });

  it('accepts a mixed log: version 1, then version 2', () => {
    expect(verify(storedLog([1, 1, 2, 2]))).toEqual({ _tag: 'ChainOk' });
  });

  it('refuses a version 1 event after a version 2 one (a downgrade to leave the position out)', () => {
    const log = storedLog([1, 2, 1]);
    expect(verify(log)).toEqual({
      _tag: 'ChainBroken',
      position: 3,
      eventId: log[2]!.eventId,
      reason: 'hash version 1 after version 2: versions never go down along positions',
    });
  });

  it('refuses a version it does not know', () => {
    const log = storedLog([2, 2]).map((e, i) => (i === 1 ? { ...e, hashVersion: 3 } : e));
    expect(verify(log)).toMatchObject({ _tag: 'ChainBroken', position: 2, reason: 'hash version 3 is not one this build knows (1 or 2)' });
  });

  it('detects a renumbered position in a version 2 log, even when the numbers stay dense', () => {
    // Shift the whole log by one, as if an event 1 had been taken out and the rest renumbered.
    const log = storedLog([2, 2, 2]).map((e) => ({ ...e, position: e.position + 1 }));
    const v = chainVerifier(GENESIS_HASH);
    expect(v.check(log[0]!)).toMatchObject({ _tag: 'ChainBroken', position: 2, reason: 'position 2 does not follow 0' });
    const from = chainVerifier('f'.repeat(64));
    const relinked = [{ ...log[0]!, prevHash: 'f'.repeat(64) }];
    expect(from.check(relinked[0]!)).toMatchObject({ _tag: 'ChainBroken', reason: "stored hash does not match the event's content" });
  });

  it('detects a gap in positions, in version 1 logs too', () => {
    const log = storedLog([1, 1, 1]).map((e, i) => (i === 2 ? { ...e, position: 5 } : e));
    expect(verify(log)).toMatchObject({ _tag: 'ChainBroken', position: 5, reason: 'position 5 does not follow 2' });
  });

  it('detects a changed stored_at', () => {
    const log = storedLog([2, 2, 2]).map((e, i) => (i === 1 ? { ...e, storedAt: '2024-10-01T09:00:02.501Z' } : e));
    expect(verify(log)).toMatchObject({ _tag: 'ChainBroken', position: 2, reason: "stored hash does not match the event's content" });
  });

  it('detects a version 2 event without stored_at', () => {
    const log = storedLog([2, 2]).map(({ storedAt, ...e }, i) => (i === 1 ? e : { ...e, storedAt }));
    expect(verify(log)).toMatchObject({ _tag: 'ChainBroken', position: 2, reason: 'a hash version 2 event has no stored_at' });
  });

  it('refuses a version 2 event stored or recorded before the event before it, even with a valid hash', () => {
    const rehash = (log: StoredEvent[], i: number, change: Partial<StoredEvent>) => {
      const e = { ...log[i]!, ...change };
      log[i] = { ...e, hash: chainHashV2(e.prevHash, e.stream, e.revision, e.position, e.storedAt!, e) };
      return log;
    };
    const earlierStored = rehash(storedLog([2, 2]), 1, { storedAt: '2024-10-01T09:00:00.000Z' });
    expect(verify(earlierStored)).toMatchObject({ position: 2, reason: `stored_at "2024-10-01T09:00:00.000Z" is before the previous event's "${storedAtOf(1)}"` });
    const first = envelope(1).metadata;
    const earlierRecorded = rehash(storedLog([2, 2]), 1, { metadata: { ...first, recordedAt: '2024-10-01T08:59:59+08:00' } });
    expect(verify(earlierRecorded)).toMatchObject({ position: 2, reason: `recordedAt "2024-10-01T08:59:59+08:00" is before the previous event's "${first.recordedAt}"` });
  });
});
