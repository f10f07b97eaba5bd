import { planDecider, planStream, taskDecider, taskStream, type Decider, type Plan } from '@minsheng/core';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import type { LedgerFailure } from './failure';
import { appendDecided, load } from './streams';

export interface ImportResult {
  readonly planId: string;
  /** Events written: 0 when the same plan was imported before. */
  readonly written: number;
}

/**
 * Publishes the plan's frame and sets every metric's target. Only what changed is
 * written, so importing the same plan twice adds nothing and a revised plan adds
 * the revised targets beside the old ones.
 */
export const importPlan = (deps: LedgerDeps, plan: Plan, importedBy = 'plan-import'): TE.TaskEither<LedgerFailure, ImportResult> => {
  const metadata = metadataFor(deps.clock, { system: importedBy }, { source: { document: plan.document } });
  const step = <C, S>(stream: string, decider: Decider<C, S>, command: C) =>
    pipe(
      load(deps.store, stream, decider),
      TE.chainW(({ state, revision }) =>
        pipe(
          TE.fromEither(decider.decide(command, state)),
          TE.chainW((events) => appendDecided(deps.store, stream, events, revision, metadata, deps.clock)),
          TE.map((r) => r?.result.positions.length ?? 0),
        ),
      ),
    );
  return pipe(
    step(planStream(plan.id), planDecider, { type: 'PublishPlan', plan }),
    TE.chainW((planEvents) =>
      pipe(
        plan.tasks.map((task) => step(taskStream(plan.id, task.number), taskDecider, { type: 'SetTargets', plan, task })),
        TE.sequenceSeqArray,
        TE.map((counts) => ({ planId: plan.id, written: planEvents + counts.reduce((a, b) => a + b, 0) })),
      ),
    ),
  );
};
