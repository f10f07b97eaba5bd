import type { EventStore, ReadError } from '@minsheng/event-store';
import type { ReasonCode, ReasonFields } from '@minsheng/core';
import { isLeft } from 'fp-ts/Either';
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

/**
 * Checks that the read model was built from the log as it stands: its checkpoint is not past
 * the log's head, and the event it applied last is the one the log holds at that position (one
 * lookup in each). Throws ReadModelMismatch, or ProjectionError when the log cannot be read.
 */
export const checkReadModel = async (store: EventStore, reader: ProjectionReader, projection = LEDGER_INDEX): Promise<void> => {
  const checkpoint = await reader.checkpoint(projection);
  if (checkpoint === 0) return;
  const headE = await store.headPosition()();
  if (isLeft(headE)) throw new ProjectionError(headE.left.message, { storeError: headE.left });
  const head = headE.right;
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
  const applied = await reader.hashAt(checkpoint);
  if (applied === null) return;
  const at = await store.readAll({ fromPosition: checkpoint - 1, maxCount: 1 })();
  if (isLeft(at)) throw new ProjectionError(`${projection}: reading position ${checkpoint} failed: ${at.left.message}`, { storeError: at.left });
  const logHash = at.right[0]?.hash;
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
};
