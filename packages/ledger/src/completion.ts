import { dateIn, taskDecider, taskStream, type PlanFrame } from '@minsheng/core';
import { takeSnapshot, targetText, valueText } from '@minsheng/projections';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import { projectionFailed, type LedgerFailure } from './failure';
import { appendDecided, loadTask } from './streams';

/**
 * Records TaskCompleted once, when every target of the task is met by the figures in
 * force now, naming those figures and the events behind them. Needs the read model
 * to be up to date. Returns whether a completion was recorded by this call.
 */
export const checkCompletion = (deps: LedgerDeps, frame: PlanFrame, task: number, causationId?: string): TE.TaskEither<LedgerFailure, boolean> => {
  const now = deps.clock.now();
  return pipe(
    TE.tryCatch(() => takeSnapshot(deps.readModel.reader, { planId: frame.planId }, now, { tasks: [task] }), projectionFailed),
    TE.chainW((snap) => {
      const metrics = snap.metrics.filter((m) => m.target.task.number === task);
      if (!metrics.length || !metrics.every((m) => m.met)) return TE.right(false);
      return pipe(
        loadTask(deps.store, frame.planId, task),
        TE.chainW(({ state, revision }) =>
          pipe(
            TE.fromEither(
              taskDecider.decide(
                {
                  type: 'RecordCompletion',
                  data: {
                    planId: frame.planId,
                    task,
                    completedOn: dateIn(now, frame.timeZone),
                    figures: metrics.map((m) => ({
                      metric: m.target.metric.id,
                      value: valueText(m.rolled.value),
                      target: m.target.metric.written ?? targetText(m.target.target),
                      events: [...new Set(m.versions.flatMap((v) => [v.reportId, v.eventId]))],
                    })),
                  },
                },
                state,
              ),
            ),
            TE.chainW((events) =>
              appendDecided(
                deps.store,
                taskStream(frame.planId, task),
                events,
                revision,
                metadataFor(deps.clock, { system: 'completion-policy' }, causationId ? { causationId } : {}),
                deps.clock,
              ),
            ),
            TE.map((r) => r !== null),
          ),
        ),
      );
    }),
  );
};
