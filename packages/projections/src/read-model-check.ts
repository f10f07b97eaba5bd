import type { EventStore, ReadError } from '@minsheng/event-store';
import type { ReasonCode, ReasonFields, StoredEvent } from '@minsheng/core';
import { isLeft, isRight } from 'fp-ts/Either';
import { LEDGER_INDEX, type ProjectionReader } from './read-model/projection';

/** A read or projection of the log failed; `storeError` is the store's typed error when a read failed. */
export class ProjectionError extends Error {
  constructor(
    message: string,
    options?: { readonly cause?: unknown; readonly storeError?: ReadError },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.storeError = options?.storeError;
  }
  readonly storeError: ReadError | undefined;
}

/**
 * The read model applied events the log no longer holds as it did: its checkpoint is past the
 * log's head (the last events were removed), or the event it applied at its checkpoint is not
 * the one the log holds there now (they were removed and others took their positions). It
 * refuses to serve: nothing it shows can be trusted until it is rebuilt from the log.
 */
export class ReadModelMismatch extends Error {
  readonly _tag = 'ReadModelMismatch';
  constructor(
    message: string,
    readonly projection: string,
    readonly checkpoint: number,
    readonly head: number,
    readonly code: ReasonCode,
    readonly fields: ReasonFields,
  ) {
    super(message);
  }
}

const short = (hash: string) => hash.slice(0, 12);

/** The event the log holds at the read model's checkpoint, as a freshness check found it matching. */
export interface CheckedAt {
  readonly hash: string;
  /** Its recorded time (ISO 8601): along positions no earlier event's is later (docs/concepts.md). */
  readonly recordedAt: string;
  /** Its hash version: recorded times are clamped to never go back from version 2 on. */
  readonly hashVersion: number;
}

/** What a freshness check read: the read model's checkpoint and the log's head (a catch-up starts from these). */
export interface LogState {
  readonly checkpoint: number;
  readonly head: number;
  /**
   * The event at the checkpoint, its hash the one the read model applied there; null at
   * checkpoint 0 or when the read model keeps no hash. With the checkpoint it names the rows
   * the read model holds (a view computed on them may be kept while both stay the same).
   */
  readonly at: CheckedAt | null;
}

const storeFailure = (what: string, error: ReadError) => new ProjectionError(`${what}${error.message}`, { storeError: error });

/**
 * The read model's checkpoint with the hash it applied there, beside the log's last event
 * (checked), both at once: when the read model is up to date (the usual case before a view),
 * that event is the one at the checkpoint, and the check is one round trip (two queries in
 * flight, one to each side, which may be separate databases). `last` is undefined when the store
 * cannot read its last event, or that read failed: the caller then reads as before, and reports
 * what it finds (a failure the same as before).
 */
const readBoth = async (store: EventStore, reader: ProjectionReader, projection: string) => {
  const applied = reader.checkpointAndHash
    ? reader.checkpointAndHash(projection)
    : reader.checkpoint(projection).then(async (checkpoint) => ({ checkpoint, hash: checkpoint === 0 ? null : await reader.hashAt(checkpoint) }));
  const [at, last] = await Promise.all([applied, store.lastEvent ? store.lastEvent()() : undefined]);
  return { at, last: last && isRight(last) ? last.right : undefined };
};

/**
 * Checks that the read model was built from the log as it stands: its checkpoint is not past
 * the log's head, and the event it applied last is the one the log holds at that position, read
 * checked (see readBoth). Returns the checkpoint and the head it read. Throws ReadModelMismatch,
 * or ProjectionError when the log cannot be read.
 */
export const checkReadModel = async (store: EventStore, reader: ProjectionReader, projection = LEDGER_INDEX): Promise<LogState> => {
  const { at, last } = await readBoth(store, reader, projection);
  const { checkpoint } = at;
  let head = last === undefined ? undefined : (last?.position ?? 0);
  if (checkpoint === 0) return { checkpoint, head: head ?? (await readHead(store)), at: null };
  // A checkpoint past the last event read beside it may have moved since (another process's
  // catch-up): the head is read again, after the checkpoint, before the log is called short.
  if (head === undefined || checkpoint > head) head = await readHead(store);
  const rebuild = 'it refuses to serve until rebuilt from the log (run `minsheng verify`, then `minsheng rebuild`)';
  if (checkpoint > head)
    throw new ReadModelMismatch(
      `the read model (${projection}) has applied events up to position ${checkpoint} but the log ends at ${head}: ` +
        `events it applied are no longer in the log; ${rebuild}`,
      projection,
      checkpoint,
      head,
      'readModel.aheadOfLog',
      { projection, checkpoint, head },
    );
  const applied = at.hash;
  if (applied === null) return { checkpoint, head, at: null };
  const logged = last?.position === checkpoint ? last : await eventInLog(store, projection, checkpoint);
  const logHash = logged?.hash;
  if (logHash !== applied)
    throw new ReadModelMismatch(
      `the read model (${projection}) applied another event at position ${checkpoint} than the log holds there now ` +
        `(hash ${short(applied)}… applied, ${logHash ? `${short(logHash)}…` : 'none'} in the log): events were removed from the log and others took their positions; ${rebuild}`,
      projection,
      checkpoint,
      head,
      'readModel.otherEvent',
      { projection, checkpoint, applied: `${short(applied)}…`, logged: logHash ? `${short(logHash)}…` : '—' },
    );
  return { checkpoint, head, at: { hash: applied, recordedAt: logged!.metadata.recordedAt, hashVersion: logged!.hashVersion ?? 1 } };
};

const readHead = async (store: EventStore): Promise<number> => {
  const headE = await store.headPosition()();
  if (isLeft(headE)) throw storeFailure('', headE.left);
  return headE.right;
};

/** The event the log holds at `position`, read checked. */
const eventInLog = async (store: EventStore, projection: string, position: number): Promise<StoredEvent | undefined> => {
  const at = await store.readAll({ fromPosition: position - 1, maxCount: 1 })();
  if (isLeft(at)) throw storeFailure(`${projection}: reading position ${position} failed: `, at.left);
  return at.right[0];
};
