import {
  appendedRows,
  chainAfter,
  concurrencyError,
  conditionRefused,
  NO_STREAM,
  replayIfStored,
  satisfies,
  type AppendCondition,
  type AppendError,
  type AppendResult,
  type BrokenChain,
  type EncodedEvent,
  type ExpectedRevision,
  type LogHead,
  type StoredAt,
  type StoredRow,
} from '@minsheng/event-store';
import { left, right, type Either } from 'fp-ts/Either';

/** One single append waiting for its group. */
export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expected: ExpectedRevision;
  readonly condition?: AppendCondition;
}

/** What a group reads under the lock, in one statement, before deciding its appends. */
export interface GroupState {
  /** The log's head; null for an empty log. */
  readonly head: LogHead | null;
  /** The head row's damage, when its hash does not match its content: nothing is appended after it. */
  readonly broken: BrokenChain | null;
  /** The current revision of each of the group's streams (and of their conditions' streams) that exists. */
  readonly revisions: ReadonlyMap<string, number>;
  /** Those of the group's event ids that are stored already. */
  readonly found: ReadonlyMap<string, StoredAt>;
}

/**
 * Decides a group of single appends in the order they arrived, as if each were written alone
 * after the ones before it: each is checked against its stream's revision as the appends
 * before it in the group left it, and an idempotent retry is answered from the rows stored
 * before or earlier in the group. A refused append adds no row. Pure: the caller writes
 * `rows` with their Merkle `leaves` (in one statement) and the streams' new revisions, and commits.
 */
export const decideGroup = (
  group: readonly PendingAppend[],
  state: GroupState,
  now: string,
): { answers: Either<AppendError, AppendResult>[]; rows: StoredRow[]; leaves: Buffer[]; revisions: Map<string, number> } => {
  let head = state.head;
  const current = new Map(state.revisions);
  const stored = new Map(state.found);
  const written = new Map<string, number>();
  const rows: StoredRow[] = [];
  const leaves: Buffer[] = [];
  const answers = group.map((a): Either<AppendError, AppendResult> => {
    const found = new Map<string, StoredAt>();
    for (const e of a.events) {
      const at = stored.get(e.eventId);
      if (at) found.set(e.eventId, at);
    }
    const replay = replayIfStored(a.stream, a.events, found);
    if (replay._tag === 'Left') return replay;
    if (replay.right) return right(replay.right);
    // Against the revisions the appends before it in the group left: a key event earlier in the group refuses it.
    const refused = conditionRefused(a.condition, (s) => current.get(s) ?? NO_STREAM);
    if (refused) return left(refused);
    const actual = current.get(a.stream) ?? NO_STREAM;
    if (!satisfies(a.expected, actual)) return left(concurrencyError(a.stream, a.expected, actual));
    if (state.broken) return left(state.broken);
    const chained = chainAfter(head, a.stream, actual, a.events, now);
    head = chained.head;
    leaves.push(...chained.leaves);
    for (const r of chained.rows) {
      rows.push(r);
      stored.set(r.eventId, { eventId: r.eventId, stream: r.stream, revision: r.revision, position: r.position });
    }
    const last = chained.rows[chained.rows.length - 1]!.revision;
    current.set(a.stream, last);
    written.set(a.stream, last);
    return right(appendedRows(a.stream, chained.rows));
  });
  return { answers, rows, leaves, revisions: written };
};
