import { GENESIS_HASH, ledgerRegistry } from '@minsheng/core';
import { brokenChain, NO_STREAM, prepareAppend, type ExpectedRevision } from '@minsheng/event-store';
import { makeTestEvents } from '@minsheng/event-store/testing';
import { decideGroup, type GroupState, type PendingAppend } from './group-append';

const NOW = '2026-12-06T12:00:00.000Z';
const empty: GroupState = { head: null, broken: null, revisions: new Map(), found: new Map() };

const pending = (stream: string, expected: ExpectedRevision, n = 1): PendingAppend => {
  const events = prepareAppend(ledgerRegistry, stream, makeTestEvents(n), expected);
  if (events._tag === 'Left') throw new Error(events.left.message);
  return { stream, events: events.right, expected };
};

describe('decideGroup', () => {
  it('chains every written row onto the one before it, from the head, in arrival order', () => {
    const { answers, rows, revisions } = decideGroup([pending('a', NO_STREAM, 2), pending('b', NO_STREAM), pending('a', 1)], empty, NOW);
    expect(answers.map((a) => (a._tag === 'Right' ? a.right.positions : a.left._tag))).toEqual([[1, 2], [3], [4]]);
    expect(rows.map((r) => [r.stream, r.revision])).toEqual([['a', 0], ['a', 1], ['b', 0], ['a', 2]]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect([...revisions]).toEqual([['a', 2], ['b', 0]]);
  });

  it('refuses an append alone, adding no row, and chains the next onto the one before it', () => {
    const state: GroupState = { ...empty, head: { position: 7, hash: 'f'.repeat(64), recordedAt: null, storedAt: null }, revisions: new Map([['b', 3]]) };
    const { answers, rows, revisions } = decideGroup([pending('a', NO_STREAM), pending('b', 0), pending('c', NO_STREAM)], state, NOW);
    expect(answers[1]).toMatchObject({ _tag: 'Left', left: { _tag: 'ConcurrencyError', stream: 'b', expected: 0, actual: 3 } });
    expect(rows.map((r) => [r.stream, r.position])).toEqual([['a', 8], ['c', 9]]);
    expect(rows[0]!.prevHash).toBe('f'.repeat(64));
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(revisions.has('b')).toBe(false);
  });

  it('answers a retry from rows stored earlier in the group, and refuses a retry into another stream', () => {
    const first = pending('a', NO_STREAM, 2);
    const { answers, rows } = decideGroup([first, first, { ...first, stream: 'b' }], empty, NOW);
    expect(answers[0]).toMatchObject({ _tag: 'Right', right: { positions: [1, 2], alreadyStored: false } });
    expect(answers[1]).toMatchObject({ _tag: 'Right', right: { positions: [1, 2], alreadyStored: true } });
    expect(answers[2]).toMatchObject({ _tag: 'Left', left: { _tag: 'IdempotencyConflict' } });
    expect(rows).toHaveLength(2);
  });

  it('writes nothing after a damaged head, but still answers retries of what is stored', () => {
    const stored = pending('a', NO_STREAM);
    const id = stored.events[0]!.eventId;
    const state: GroupState = {
      head: { position: 1, hash: 'e'.repeat(64), recordedAt: null, storedAt: null },
      broken: brokenChain(1, id, 'stored hash does not match'),
      revisions: new Map([['a', 0]]),
      found: new Map([[id, { eventId: id, stream: 'a', revision: 0, position: 1 }]]),
    };
    const { answers, rows } = decideGroup([stored, pending('b', NO_STREAM)], state, NOW);
    expect(answers[0]).toMatchObject({ _tag: 'Right', right: { positions: [1], alreadyStored: true } });
    expect(answers[1]).toMatchObject({ _tag: 'Left', left: { _tag: 'BrokenChain', position: 1 } });
    expect(rows).toEqual([]);
  });
});
