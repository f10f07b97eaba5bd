import type { StoredEvent } from '@minsheng/core';
import type { EventStore, ReadError } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import type { ProjectionModel, ScannedThrough } from './read-model/projection';
import { ProjectionError } from './read-model-check';

/** A batch for one projection: the events it handles, and how far in the log it reaches. */
export interface Batch {
  readonly events: readonly StoredEvent[];
  /** Where the checkpoint moves: the last position read, whether or not an event there matched. */
  readonly through: ScannedThrough;
  /** How many positions of the log it moves over (the events read, for an unfiltered batch). */
  readonly scanned: number;
}

const failed = (projection: string, what: string, message: string, options: { readonly storeError: ReadError }) =>
  new ProjectionError(`${projection}: ${what} failed: ${message}`, options);

/**
 * Reads the next batch after `checkpoint`, or null when the log has nothing after it.
 * Unfiltered: the next `batchSize` events. Filtered (a custom projection's model.filter): the
 * next `batchSize` positions up to the head, with the store keeping only the events that match.
 * Every position up to the head was committed before it was read (appends are serialised), so
 * the window holds no event that is still to come: the checkpoint moves to its end, matching or
 * not, and no event the projection handles is skipped. `knownHead`, a head the caller read
 * already (a catch-up reads it once, at its start), stays such a position: the head is read
 * again only once the checkpoint has reached it, not for every batch.
 */
export const readBatch = async (
  store: EventStore,
  model: ProjectionModel,
  projection: string,
  checkpoint: number,
  batchSize: number,
  knownHead = 0,
): Promise<Batch | null> => {
  if (!model.filter) {
    const read = await store.readAll({ fromPosition: checkpoint, maxCount: batchSize })();
    if (isLeft(read)) throw failed(projection, `reading after position ${checkpoint}`, read.left.message, { storeError: read.left });
    const last = read.right[read.right.length - 1];
    return last ? { events: read.right, through: { position: last.position, hash: last.hash }, scanned: read.right.length } : null;
  }
  let head = knownHead;
  if (head <= checkpoint) {
    const read = await store.headPosition()();
    if (isLeft(read)) throw failed(projection, 'reading the head of the log', read.left.message, { storeError: read.left });
    head = read.right;
  }
  if (head <= checkpoint) return null;
  const to = Math.min(checkpoint + batchSize, head);
  const read = await store.readAll({ fromPosition: checkpoint, toPosition: to, ...model.filter })();
  if (isLeft(read)) throw failed(projection, `reading positions ${checkpoint + 1}..${to}`, read.left.message, { storeError: read.left });
  const last = read.right[read.right.length - 1];
  // The checkpoint keeps the hash of the event at its position (see checkReadModel): one more lookup when that event did not match.
  let hash = last?.position === to ? last.hash : null;
  if (hash === null) {
    const at = await store.readAll({ fromPosition: to - 1, maxCount: 1 })();
    if (isLeft(at)) throw failed(projection, `reading position ${to}`, at.left.message, { storeError: at.left });
    hash = at.right[0]?.hash ?? null;
  }
  return { events: read.right, through: { position: to, hash }, scanned: to - checkpoint };
};
