import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { LEDGER_INDEX, type ProjectionModel, type ReadModelWriter } from './read-model/projection';
import type { ReadModelReader } from './read-model/rows';
import { nextVersionName, type ActiveVersion } from './read-model/versions';
import type { ReaderThreads } from './reader-threads';
import { runCatchUp } from './runner';

/** The ledger index's read model, the default a rebuild beside opens. */
export interface Model {
  readonly reader: ReadModelReader;
  readonly writer: ReadModelWriter;
}

/** `M`: the model each version opens as (the ledger index's by default; any projection's). */
export interface BesideOptions<M extends ProjectionModel = Model> {
  readonly store: EventStore;
  readonly versions: ActiveVersion;
  /** Opens (creating if needed) the read model version with this name. */
  readonly open: (name: string) => Promise<M & { close(): Promise<void> | void }>;
  readonly projection?: string;
  readonly onProgress?: (checkpoint: number, head: number) => void;
  /** Threads that read the log while the new version is built (see catchUpReadModel). */
  readonly readers?: ReaderThreads;
  /** Called between catch-up rounds, before the switch; tests use it to append while the rebuild runs. */
  readonly beforeSwitch?: () => Promise<void>;
}

export interface BesideResult {
  readonly from: string;
  readonly to: string;
  readonly checkpoint: number;
  /** Threads that read the log beside the one building the new version (0: none). */
  readonly readerThreads: number;
}

export class SwitchLostError extends Error {}

/**
 * Rebuilds a read model without downtime: a new version is built from position 0 beside
 * the serving one, catches up with the log (which may still be growing), and only then
 * becomes the serving version. Readers of the old version keep working until they reopen.
 */
export const rebuildBeside = async <M extends ProjectionModel = Model>(o: BesideOptions<M>): Promise<BesideResult> => {
  const projection = o.projection ?? LEDGER_INDEX;
  const from = await o.versions.active(projection);
  const to = nextVersionName(from);
  const next = await o.open(to);
  try {
    await next.writer.reset(projection);
    const first = await runCatchUp(o.store, next, {
      projection,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.readers ? { readers: o.readers } : {}),
    });
    let checkpoint = first.checkpoint;
    await o.beforeSwitch?.();
    // Catch up until a round finds nothing new, so the switch happens with no lag to speak of.
    for (;;) {
      const r = await runCatchUp(o.store, next, { projection });
      checkpoint = r.checkpoint;
      const head = await o.store.headPosition()();
      if (isLeft(head)) throw new Error(head.left.message);
      if (r.applied === 0 && head.right <= checkpoint) break;
    }
    if (!(await o.versions.switchTo(projection, from, to)))
      throw new SwitchLostError(`another rebuild switched ${projection} away from ${from} first; ${to} was not put in service`);
    return { from, to, checkpoint, readerThreads: first.readerThreads };
  } finally {
    await next.close();
  }
};
