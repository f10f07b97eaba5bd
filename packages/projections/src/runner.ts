import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { LEDGER_INDEX, type ReadModelWriter } from './read-model/projection';
import type { ReadModelReader } from './read-model/rows';

export interface CatchUpOptions {
  readonly projection?: string;
  readonly batchSize?: number;
  /** Called after each committed batch with the checkpoint and the head of the log. */
  readonly onProgress?: (checkpoint: number, head: number) => void;
}

export interface CatchUpResult {
  readonly applied: number;
  readonly checkpoint: number;
  readonly head: number;
}

export class ProjectionError extends Error {}

/**
 * Brings a read model up to the head of the log: reads a batch after the checkpoint,
 * and commits its rows with the moved checkpoint in one transaction. If another worker
 * moved the checkpoint first, the batch is dropped and reading resumes from the new
 * checkpoint, so no event is applied twice or skipped.
 */
export const catchUpReadModel = async (
  store: EventStore,
  model: { reader: ReadModelReader; writer: ReadModelWriter },
  options: CatchUpOptions = {},
): Promise<CatchUpResult> => {
  const projection = options.projection ?? LEDGER_INDEX;
  const batchSize = options.batchSize ?? 5000;
  const headE = await store.headPosition()();
  if (isLeft(headE)) throw new ProjectionError(headE.left.message);
  const head = headE.right;
  let checkpoint = await model.reader.checkpoint(projection);
  let applied = 0;
  for (;;) {
    const batch = await store.readAll({ fromPosition: checkpoint, maxCount: batchSize })();
    if (isLeft(batch)) throw new ProjectionError(`${projection}: reading after position ${checkpoint} failed: ${batch.left.message}`);
    if (batch.right.length === 0) break;
    const outcome = await model.writer.applyBatch(projection, checkpoint, batch.right);
    if (outcome === 'checkpoint-moved') {
      checkpoint = await model.reader.checkpoint(projection);
      continue;
    }
    applied += batch.right.length;
    checkpoint = batch.right[batch.right.length - 1]!.position;
    options.onProgress?.(checkpoint, Math.max(head, checkpoint));
  }
  return { applied, checkpoint, head: Math.max(head, checkpoint) };
};

/** Drops the read model's rows and replays the whole log into it. */
export const rebuildReadModel = async (
  store: EventStore,
  model: { reader: ReadModelReader; writer: ReadModelWriter },
  options: CatchUpOptions = {},
): Promise<CatchUpResult> => {
  await model.writer.reset(options.projection ?? LEDGER_INDEX);
  return catchUpReadModel(store, model, options);
};
