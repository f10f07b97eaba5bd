import { planDecider, planStream, taskDecider, taskStream, type Decider, type LedgerEvent, type Plan } from '@minsheng/core';
import type { ExpectedRevision } from '@minsheng/event-store';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import type { LedgerFailure, WrittenEvent } from './failure';
import { envelopes, load } from './streams';

export interface ImportResult {
  readonly planId: string;
  /** Events written: 0 when the same plan was imported before. */
  readonly written: number;
}

/** What importPlan wrote: the result, and the events behind it (for a failure after the append). */
export interface ImportWritten extends ImportResult {
  /** The events written, in order (none when nothing changed). */
  readonly events: readonly WrittenEvent[];
}

/** What one stream of the plan needs appended, decided from its current state. */
interface Decided {
  readonly stream: string;
  readonly events: readonly LedgerEvent[];
  readonly expected: ExpectedRevision;
}

/**
 * Publishes the plan's frame and sets every metric's target. Only what changed is
 * written, so importing the same plan twice adds nothing and a revised plan adds
 * the revised targets beside the old ones. Every stream's events are decided first and
 * written in one atomic append: an import stopped part way (killed, a full disk, a lost
 * race on one stream) leaves nothing, never a plan with only some of its tasks.
 */
export const importPlan = (deps: LedgerDeps, plan: Plan, importedBy = 'plan-import'): TE.TaskEither<LedgerFailure, ImportWritten> => {
  const metadata = metadataFor(deps.clock, { system: importedBy }, { source: { document: plan.document } });
  const decide = <C, S>(stream: string, decider: Decider<C, S>, command: C): TE.TaskEither<LedgerFailure, Decided> =>
    pipe(
      load(deps.store, stream, decider),
      TE.chainW(({ state, revision }) =>
        pipe(
          TE.fromEither(decider.decide(command, state)),
          TE.map((events) => ({ stream, events, expected: revision })),
        ),
      ),
    );
  return pipe(
    [
      decide(planStream(plan.id), planDecider, { type: 'PublishPlan', plan }),
      ...plan.tasks.map((task) => decide(taskStream(plan.id, task.number), taskDecider, { type: 'SetTargets', plan, task })),
    ],
    TE.sequenceSeqArray,
    TE.chainW((decided) => {
      const batches = decided
        .filter((d) => d.events.length > 0)
        .map((d) => ({ stream: d.stream, events: envelopes(d.events, metadata, deps.clock), expected: d.expected }));
      if (batches.length === 0) return TE.right({ planId: plan.id, written: 0, events: [] });
      return pipe(
        deps.store.appendBatches(batches),
        TE.map((results) => {
          const events = results.flatMap((r, i) => r.positions.map((position, j) => ({ eventId: batches[i]!.events[j]!.eventId, position })));
          return { planId: plan.id, written: events.length, events };
        }),
      );
    }),
  );
};
