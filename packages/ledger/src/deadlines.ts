import {
  deadlineInstant,
  lastAsOf,
  newEventId,
  shortfall,
  taskDecider,
  taskStream,
  type LedgerEvent,
  type LedgerEventData,
  type PlanFrame,
} from '@minsheng/core';
import { shortfallText, takeSnapshot, targetText, valueText, type Snapshot } from '@minsheng/projections';
import * as TE from 'fp-ts/TaskEither';
import { isLeft } from 'fp-ts/Either';
import { metadataFor, type LedgerDeps } from './context';
import { projectionFailed, type LedgerFailure } from './failure';
import { appendDecided, loadTask } from './streams';

export type DeadlineMissedData = LedgerEventData<'DeadlineMissed'>;

/**
 * Records DeadlineMissed once per (task, metric, deadline) for every deadline the
 * injected clock says has passed: a completion deadline whose target is not met by
 * the figures effective on its due day (as known now), or a report deadline by which
 * no progress report was recorded. Never before the deadline; running it again
 * records nothing new. Needs the read model to be up to date. With `write: false`, decides the
 * same and writes nothing (a dry run).
 */
export const checkDeadlines = (deps: LedgerDeps, frame: PlanFrame, options: { write?: boolean } = {}): TE.TaskEither<LedgerFailure, DeadlineMissedData[]> =>
  TE.tryCatchK(async () => {
    const now = deps.clock.now();
    const correlationId = newEventId(now);
    const snapshots = new Map<string, Snapshot>();
    const snapshotAt = async (due: string) => {
      if (!snapshots.has(due)) {
        const snap = await takeSnapshot(deps.readModel.reader, { planId: frame.planId, asOf: due }, now)();
        if (isLeft(snap)) throw snap.left;
        snapshots.set(due, snap.right);
      }
      return snapshots.get(due)!;
    };
    const recorded: DeadlineMissedData[] = [];
    for (const t of frame.tasks) {
      const loaded = await loadTask(deps.store, frame.planId, t.number)();
      if (isLeft(loaded)) throw loaded.left;
      let state = loaded.right.state;
      const events: LedgerEvent[] = [];
      for (const target of Object.values(state.targets)) {
        for (const id of target.deadlines) {
          const d = frame.deadlines.find((x) => x.id === id);
          if (!d || now.getTime() < deadlineInstant(d.due, frame.timeZone).getTime()) continue;
          let data: DeadlineMissedData | null = null;
          const base = { planId: frame.planId, task: t.number, metric: target.metric.id, deadline: d.id, kind: d.kind, due: d.due };
          const targetLabel = target.metric.written ?? targetText(target.target);
          if (d.kind === 'completion') {
            const m = (await snapshotAt(d.due)).metrics.find((x) => x.target.metric.id === target.metric.id);
            if (!m || m.met) continue;
            // An annual statistic is judged by its period-end figure, which comes after the period:
            // until it does (or the last as-of date passes), the deadline is not yet missed.
            if (m.awaitingFinal && now.getTime() < deadlineInstant(lastAsOf(frame), frame.timeZone).getTime()) continue;
            data = { ...base, value: valueText(m.rolled.value), target: targetLabel, shortfall: shortfallText(shortfall(m.target.target, m.rolled)) };
          } else {
            const reported = await deps.readModel.reader.reportedBy(frame.planId, target.metric.id, deadlineInstant(d.due, frame.timeZone).getTime());
            if (reported) continue;
            data = { ...base, value: null, target: targetLabel, shortfall: 'no report' };
          }
          const decided = taskDecider.decide({ type: 'RecordDeadlineMissed', data, timeZone: frame.timeZone, now }, state);
          if (isLeft(decided)) throw decided.left;
          for (const e of decided.right) {
            state = taskDecider.evolve(state, e);
            events.push(e);
            recorded.push(e.data as DeadlineMissedData);
          }
        }
      }
      if (options.write === false) continue;
      const appended = await appendDecided(
        deps.store,
        taskStream(frame.planId, t.number),
        events,
        loaded.right.revision,
        metadataFor(deps.clock, { system: 'deadline-check' }, { correlationId }),
        deps.clock,
      )();
      if (isLeft(appended)) throw appended.left;
    }
    return recorded;
  }, (e) => (typeof e === 'object' && e !== null && '_tag' in e ? (e as LedgerFailure) : projectionFailed(e)))();
