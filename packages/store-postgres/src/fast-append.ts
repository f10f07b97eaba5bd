import { HASH_VERSION } from '@minsheng/core';
import { NO_STREAM, type AppendError, type AppendResult, type CurrentRevision, type StoredRow } from '@minsheng/event-store';
import type { Either } from 'fp-ts/Either';
import type { Pool } from 'pg';
import { decideGroup, type GroupState, type PendingAppend } from './group-append';
import { insertParams, logHeadOf, type statements } from './statements';
import { treeColumns } from './merkle-tree';

/*
 * The fast append: one autocommit statement instead of BEGIN (with the lock and the state
 * read), the insert and COMMIT. Its rows are chained in JS from what this process last saw of
 * the log (its own last append, or the state a slow append read under the lock), and the
 * statement inserts nothing unless that still holds (statements.ts: fastInsert). What it
 * knows is only ever a guess checked by the database: a wrong guess costs one round trip and
 * the append takes the slow path, which decides it exactly as before (refusals, idempotent
 * retries, a damaged head). Readers' guarantee is kept: the statement takes the append lock
 * before it inserts, and the insert trigger lets in position N+1 only once N is visible,
 * that is committed.
 */

/**
 * The log as this process last saw it: the head row (null: empty) and some streams' revisions
 * then. The map is the fast appender's own, added to in place (appends are in line, store.ts).
 */
export interface KnownLog {
  readonly row: StoredRow | null;
  readonly revisions: Map<string, CurrentRevision>;
  /** The Merkle tree's right edge after that head (tree-columns.ts), by level. */
  readonly edge: ReadonlyArray<Buffer | undefined>;
}

/** What a slow append read under the lock and what it wrote (nothing when it rolled back). */
export interface SlowAppend {
  readonly row: StoredRow | null;
  /** The head row failed its hash: nothing is known. */
  readonly broken: boolean;
  /** Every stream the group read, at the revision read. */
  readonly revisions: ReadonlyMap<string, CurrentRevision>;
  /** The Merkle tree's right edge read with the head. */
  readonly edge: ReadonlyArray<Buffer | undefined>;
  readonly written: readonly StoredRow[];
  readonly writtenRevisions: ReadonlyMap<string, number>;
  /** The edge after the rows written. */
  readonly writtenEdge: ReadonlyArray<Buffer | undefined>;
  readonly committed: boolean;
}

export interface FastAppendOptions {
  readonly pool: Pool;
  readonly sql: ReturnType<typeof statements>;
  /** Marks failures of pg itself (the store turns them into StoreUnavailable). */
  readonly engine: <R>(p: Promise<R>) => Promise<R>;
  /** Slow appends after a miss before the fast path is tried again; each one that sees another writer's events starts the count again. */
  readonly slowAfterMiss: number;
  /** Test seam: told of each fast attempt. */
  readonly outcome?: (outcome: 'hit' | 'miss') => void;
}

/**
 * Revisions remembered at most (about 10 MB): a process appending to ever new streams starts
 * again past this. A province's 45,045 (metric, place) streams fit.
 */
const MAX_KNOWN = 100_000;

/** A statement that failed on a key or on the insert trigger: another writer got there first. */
const lostRace = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'P0001';
};

const sameHead = (a: StoredRow | null, b: StoredRow | null): boolean => (a === null ? b === null : b !== null && a.position === b.position && a.hash === b.hash);

const headOfRow = (row: StoredRow) =>
  logHeadOf({ head_position: String(row.position), head_hash: row.hash, head_metadata: row.metadata, head_stored_at: row.storedAt, head_row: null });

/**
 * The state a group is decided from if the log is still as known, and the revision each stream
 * must be at: the known one, else the exact revision (or no stream) the append expects; none
 * when an append has a condition or expects `any` or an existing stream of a stream not known.
 */
export const assumedState = (known: KnownLog, group: readonly PendingAppend[]): { state: GroupState; guard: Map<string, CurrentRevision> } | undefined => {
  const guard = new Map<string, CurrentRevision>();
  for (const a of group) {
    if (a.condition) return undefined;
    if (guard.has(a.stream)) continue;
    const assumed = known.revisions.get(a.stream) ?? (typeof a.expected === 'number' || a.expected === NO_STREAM ? a.expected : undefined);
    if (assumed === undefined) return undefined;
    guard.set(a.stream, assumed);
  }
  const revisions = new Map<string, number>();
  for (const [stream, r] of guard) if (r !== NO_STREAM) revisions.set(stream, r);
  return { state: { head: known.row ? headOfRow(known.row) : null, broken: null, revisions, found: new Map() }, guard };
};

/** `known` with more revisions, in place (it was copied, up to 10,000 entries, on every append). */
const remember = (known: Map<string, CurrentRevision>, ...more: ReadonlyMap<string, CurrentRevision>[]): Map<string, CurrentRevision> => {
  if (known.size > MAX_KNOWN) known.clear();
  for (const m of more) for (const [stream, r] of m) known.set(stream, r);
  return known;
};

export const fastAppends = (options: FastAppendOptions) => {
  const { pool, sql, engine, slowAfterMiss, outcome } = options;
  let known: KnownLog | undefined;
  let slowLeft = 0;

  const miss = () => {
    known = undefined;
    slowLeft = slowAfterMiss;
    outcome?.('miss');
    return undefined;
  };

  return {
    /**
     * Writes the group in one statement when what is known decides every append of it and the
     * database confirms it; undefined: nothing was written, take the slow path.
     */
    write: async (group: readonly PendingAppend[], now: string): Promise<Either<AppendError, AppendResult>[] | undefined> => {
      if (known === undefined || slowLeft > 0) return undefined;
      const assumed = assumedState(known, group);
      if (!assumed) return undefined;
      const { answers, rows, leaves, revisions } = decideGroup(group, assumed.state, now);
      if (rows.length === 0 || answers.some((a) => a._tag === 'Left' || a.right.alreadyStored)) return undefined;
      // What this attempt assumed: `known` itself may change while the statement runs.
      const before = known;
      const head = before.row;
      // The rows' Merkle nodes from the edge known with the head: the guard checks the head, and
      // the rows before an unchanged head are unchanged (append-only), so is the edge.
      const tree = treeColumns(before.edge, rows, leaves);
      let inserted: number;
      try {
        const result = await pool.query(
          sql.fastInsert(
            ...insertParams(rows, revisions, HASH_VERSION),
            head?.position ?? 0,
            head?.stream ?? null,
            head?.revision ?? null,
            head?.eventId ?? null,
            head?.type ?? null,
            head?.schemaVersion ?? null,
            head?.data ?? null,
            head?.metadata ?? null,
            head?.prevHash ?? null,
            head?.hash ?? null,
            head?.storedAt ?? null,
            head?.hashVersion ?? null,
            [...assumed.guard.keys()],
            [...assumed.guard.values()].map((r) => (r === NO_STREAM ? -1 : r)),
            ...tree.params,
          ),
        );
        inserted = result.rowCount ?? 0;
      } catch (err) {
        if (lostRace(err)) return miss();
        return engine(Promise.reject(err));
      }
      if (inserted === 0) return miss();
      known = { row: rows[rows.length - 1]!, revisions: remember(before.revisions, revisions), edge: tree.edge };
      outcome?.('hit');
      return answers;
    },

    /** What a slow append read and wrote: the next fast append starts from it. */
    learn: (slow: SlowAppend): void => {
      const before = known;
      const foreign = before !== undefined && !sameHead(before.row, slow.row);
      slowLeft = foreign && slowLeft > 0 ? slowAfterMiss : Math.max(0, slowLeft - 1);
      if (slow.broken) {
        known = undefined;
        return;
      }
      const base = before && !foreign ? before.revisions : new Map<string, CurrentRevision>();
      known = slow.committed && slow.written.length > 0
        ? { row: slow.written[slow.written.length - 1]!, revisions: remember(base, slow.revisions, slow.writtenRevisions), edge: slow.writtenEdge }
        : { row: slow.row, revisions: remember(base, slow.revisions), edge: slow.edge };
    },
  };
};
