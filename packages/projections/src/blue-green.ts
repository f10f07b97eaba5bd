import type { EventStore } from '@minsheng/event-store';
import { isLeft } from 'fp-ts/Either';
import { tryCatch, type TaskEither } from 'fp-ts/TaskEither';
import { toProjectionFailure, type ProjectionFailure } from './failure';
import { LEDGER_INDEX, type ProjectionModel, type ReadModelWriter } from './read-model/projection';
import type { ReadModelReader } from './read-model/rows';
import { nextVersionName, type ActiveVersion } from './read-model/versions';
import type { ReaderThreads } from './reader-threads';
import { ProjectionError } from './read-model-check';
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

/** Another rebuild put its own version in service first: this one's was built, and not switched to. */
export interface SwitchLost {
  readonly _tag: 'SwitchLost';
  readonly projection: string;
  /** The version this rebuild found serving, which no longer does. */
  readonly from: string;
  /** The version this rebuild built, left out of service. */
  readonly to: string;
  readonly message: string;
}

/** Why a rebuild beside failed: as a catch-up fails, or it lost the switch. */
export type BesideFailure = ProjectionFailure | SwitchLost;

class SwitchLostError extends Error {
  constructor(readonly lost: SwitchLost) {
    super(lost.message);
  }
}

/**
 * Rebuilds a read model without downtime: a new version is built from position 0 beside
 * the serving one, catches up with the log (which may still be growing), and only then
 * becomes the serving version. Readers of the old version keep working until they reopen.
 * A failure is a Left (SwitchLost, or a ProjectionFailure as catchUpReadModel gives), never a throw.
 */
export const rebuildBeside = <M extends ProjectionModel = Model>(o: BesideOptions<M>): TaskEither<BesideFailure, BesideResult> =>
  tryCatch(
    () => runBeside(o),
    (e) => (e instanceof SwitchLostError ? e.lost : toProjectionFailure(e)),
  );

const runBeside = async <M extends ProjectionModel>(o: BesideOptions<M>): Promise<BesideResult> => {
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
      if (isLeft(head)) throw new ProjectionError(`${projection}: reading the head of the log failed: ${head.left.message}`, { storeError: head.left });
      if (r.applied === 0 && head.right <= checkpoint) break;
    }
    if (!(await o.versions.switchTo(projection, from, to)))
      throw new SwitchLostError({
        _tag: 'SwitchLost',
        projection,
        from,
        to,
        message: `another rebuild switched ${projection} away from ${from} first; ${to} was not put in service`,
      });
    return { from, to, checkpoint, readerThreads: first.readerThreads };
  } finally {
    await next.close();
  }
};
