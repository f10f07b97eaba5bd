import { dateIn, taskDecider, taskStream, type PlanFrame } from '@minsheng/core';
import { inForce, LEDGER_INDEX, metricFigure, targetText, valueText, type FigureVersion, type MetricFigure, type ReadModelReader } from '@minsheng/projections';
import { progressEvidence } from './audit-evidence';
import * as TE from 'fp-ts/TaskEither';
import { pipe } from 'fp-ts/function';
import { metadataFor, type LedgerDeps } from './context';
import { projectionFailed, type LedgerFailure } from './failure';
import { appendDecided, loadTask } from './streams';

/**
 * The moment a completion is judged at: every event the read model holds, with the figures in
 * force after the last of them (no figure is effective after the day it is recorded). Not the
 * caller's clock: a replay at an earlier time must not judge (and record) the past.
 */
const PRESENT = { knownAt: new Date(8.64e15), asOf: '9999-12-31' } as const;

/** The event a completion is dated by: the last one that could change whether the task is met. */
export interface CompletionCause {
  readonly eventId: string;
  readonly position: number;
  /** Epoch milliseconds of the event's metadata.recordedAt. */
  readonly recordedAt: number;
}

/** A TaskCompleted recorded by this call. */
export interface CompletionRecorded {
  readonly planId: string;
  readonly task: number;
  readonly cause: CompletionCause;
}

/**
 * The newest event the read model holds among the task's targets in force and every version
 * and retraction of its metrics' figures. When a completion is recorded late (a process killed
 * between its report and the check), this is the report that completed the task, and the
 * completion carries its date, not the date of the command that found it owed. It never
 * dates a completion before the figures that met the task were recorded.
 */
const causeOf = async (reader: ReadModelReader, planId: string, metrics: readonly MetricFigure[]): Promise<CompletionCause> => {
  const ids = metrics.map((m) => m.target.metric.id);
  const candidates: CompletionCause[] = [...(await reader.targets(planId, PRESENT.knownAt.getTime(), ids))];
  for (const metric of ids) {
    const h = await reader.history(planId, metric, null);
    candidates.push(...h.versions, ...h.retractions);
  }
  return candidates.reduce((a, b) => (b.position > a.position ? b : a));
};

/** What a completion rests on, in words that compare equal exactly when the figures are the same. */
const versionKey = (v: FigureVersion): string => `${v.eventId} ${v.place} ${v.asOf} ${JSON.stringify(v.figure)}`;

/** The metrics of an owed completion whose figures in force the events, up to the read model's checkpoint, give differently. */
const mismatchedMetrics = (deps: LedgerDeps, owed: OwedCompletion): TE.TaskEither<LedgerFailure, string[]> =>
  pipe(
    TE.sequenceSeqArray(
      owed.metrics.map((m) =>
        pipe(
          progressEvidence(deps, owed.frame.planId, m.target.metric.id, owed.frame.places.map((p) => p.id)),
          TE.map((e) => {
            // The events the read model had applied when it was judged: a writer may have appended more since.
            const applied = <T extends { readonly position: number }>(xs: readonly T[]) => xs.filter((x) => x.position <= owed.checkpoint);
            const fromEvents = inForce(applied(e.versions), applied(e.retractions), { asOf: PRESENT.asOf, knownAt: PRESENT.knownAt.getTime() });
            const same = fromEvents.map(versionKey).sort().join('\n') === m.versions.map(versionKey).sort().join('\n');
            return same ? [] : [m.target.metric.id];
          }),
        ),
      ),
    ),
    TE.map((xs) => xs.flat()),
  );

/**
 * A completion is an event for good, so it must rest on the log, not on the read model alone:
 * before one is recorded, each of its metrics' figures in force is replayed from the events of
 * its progress streams (checked reads, every place of the plan) and compared with the read
 * model's. A read model whose rows were changed, added or dropped by hand would otherwise make
 * a status or an audit record a completion the events never earned; it is refused instead, and
 * nothing is written.
 */
const confirmFromEvents = (deps: LedgerDeps, owed: OwedCompletion, onMismatch: OnMismatch): TE.TaskEither<LedgerFailure, OwedCompletion | null> =>
  // The read model moved while it was judged (another worker applied a batch): the figures read may
  // straddle two checkpoints, so nothing is recorded now; the completion stays owed, and the next
  // command or sweep judges it again.
  !owed.stable
    ? TE.right(null)
    : pipe(
        mismatchedMetrics(deps, owed),
        TE.chainW((metrics) =>
          metrics.length === 0
            ? TE.right(owed)
            : onMismatch === 'skip'
            ? TE.right(null)
            : TE.left<LedgerFailure>({
                _tag: 'ReadModelMismatch',
                checkpoint: owed.checkpoint,
                head: owed.checkpoint,
                code: 'readModel.completionNotBacked',
                fields: { task: owed.task, metrics, projection: LEDGER_INDEX },
                message:
                  `the read model does not match the events behind task ${owed.task}'s figures (${metrics.join(', ')}): ` +
                  `its completion was not recorded; the read model (${LEDGER_INDEX}) refuses to serve until rebuilt from the log (run \`minsheng verify\`, then \`minsheng rebuild\`)`,
              }),
        ),
      );

/**
 * What a completion the events do not back does to the call: 'refuse' fails it (a view, a
 * report, a worker); 'skip' records nothing and lets it go on (an audit, whose trail names each
 * row the read model holds differently from the events).
 */
export type OnMismatch = 'refuse' | 'skip';

interface OwedCompletion {
  readonly task: number;
  readonly metrics: readonly MetricFigure[];
  readonly cause: CompletionCause;
  readonly frame: PlanFrame;
  /** The read model's checkpoint when the task was judged: the events its figures come from. */
  readonly checkpoint: number;
  /** Whether that checkpoint held from before the figures were read until after. */
  readonly stable: boolean;
}

const CONCURRENCY_TRIES = 3;

/**
 * Appends TaskCompleted for a task whose every metric is met, dated by its cause and naming the
 * figures in force and the events behind them. Nothing when the task is completed already (by
 * another process, say). Another writer on the task's stream meanwhile (a missed deadline) makes
 * it decide again on the new state, a few times; after that the completion stays owed and the
 * next command records it. Returns the completion, if this call recorded it.
 */
const recordCompletion = (
  deps: LedgerDeps,
  frame: PlanFrame,
  task: number,
  metrics: readonly MetricFigure[],
  cause: CompletionCause,
  attempt = 1,
): TE.TaskEither<LedgerFailure, CompletionRecorded | null> =>
  pipe(
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
                completedOn: dateIn(new Date(cause.recordedAt), frame.timeZone),
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
            metadataFor(deps.clock, { system: 'completion-policy' }, { causationId: cause.eventId }),
            deps.clock,
          ),
        ),
      ),
    ),
    TE.map((r) => (r === null ? null : { planId: frame.planId, task, cause })),
    TE.orElse((e) =>
      e._tag !== 'ConcurrencyError'
        ? TE.left(e)
        : attempt < CONCURRENCY_TRIES
        ? recordCompletion(deps, frame, task, metrics, cause, attempt + 1)
        : TE.right(null),
    ),
  );

/** What one pass of the completion policy over a plan did. */
export interface OwedCompletions {
  /** The completions this pass recorded. */
  readonly recorded: CompletionRecorded[];
  /**
   * How many tasks the read model showed owed a completion, recorded or not (an unstable read,
   * a read model the events contradict with onMismatch 'skip'): 0 means none was owed, so the
   * same pass over the same read model would find none either.
   */
  readonly owed: number;
}

/**
 * Records TaskCompleted for each of `tasks` (default: every task of the plan) that is met by the
 * figures in force and not recorded complete yet: a completion owed. Needs the read model to be
 * up to date. Returns the completions this call recorded, and how many were owed. `writer` gives
 * the deps to write with (a ledger's mode decides its clock); it is asked only when a completion
 * is owed, so a command with nothing owed reads no more than the read model. An owed completion
 * is first confirmed from the events (confirmFromEvents); `onMismatch` says what a read model
 * they contradict does.
 */
export const judgeOwedCompletions = (
  deps: LedgerDeps,
  planId: string,
  tasks?: readonly number[],
  writer: () => TE.TaskEither<LedgerFailure, LedgerDeps> = () => TE.right(deps),
  onMismatch: OnMismatch = 'refuse',
): TE.TaskEither<LedgerFailure, OwedCompletions> =>
  pipe(
    TE.tryCatch(async () => {
      const { reader } = deps.readModel;
      const checkpoint = await reader.checkpoint(LEDGER_INDEX);
      const frame = await reader.frame(planId, PRESENT.knownAt.getTime());
      if (!frame) return [];
      const done = new Set((await reader.completions(planId, PRESENT.knownAt.getTime())).map((c) => c.data.task));
      const open = new Set(frame.data.tasks.map((t) => t.number).filter((t) => !done.has(t) && (tasks === undefined || tasks.includes(t))));
      if (!open.size) return [];
      const targets = (await reader.targets(planId, PRESENT.knownAt.getTime())).filter((t) => open.has(t.data.task.number));
      // Each task metric by metric, stopping at its first unmet one (every command runs this,
      // and most open tasks have a metric far from met), but all tasks at once: a PostgreSQL
      // reader answers the calls made in one tick with one query, so each round of metrics is one
      // round trip, where a task at a time made one a metric (23 a command on the Harbin plan).
      const checked = await Promise.all(
        [...open].map(async (task): Promise<OwedCompletion | null> => {
          const of = targets.filter((t) => t.data.task.number === task);
          const metrics: MetricFigure[] = [];
          for (const t of of) {
            const versions = await reader.effectiveFigures(planId, t.data.metric.id, { asOf: PRESENT.asOf, knownAt: PRESENT.knownAt.getTime() });
            const m = metricFigure(frame.data, t.data, versions, PRESENT.asOf);
            if (!m.met) break;
            metrics.push(m);
          }
          return of.length && metrics.length === of.length ? { task, metrics, cause: await causeOf(reader, planId, metrics), frame: frame.data, checkpoint, stable: true } : null;
        }),
      );
      const owed = checked.filter((o) => o !== null);
      const stable = owed.length === 0 || (await reader.checkpoint(LEDGER_INDEX)) === checkpoint;
      return owed.map((o) => ({ ...o, stable }));
    }, projectionFailed),
    TE.chainW((found) =>
      pipe(
        TE.sequenceSeqArray(found.map((o) => confirmFromEvents(deps, o, onMismatch))),
        TE.map((owed) => owed.filter((o) => o !== null)),
        TE.chainW((owed) =>
          owed.length === 0
            ? TE.right([])
            : pipe(
                writer(),
                TE.chainW((w) => TE.sequenceSeqArray(owed.map((o) => recordCompletion(w, o.frame, o.task, o.metrics, o.cause)))),
              ),
        ),
        TE.map((recorded) => ({ recorded: recorded.filter((r): r is CompletionRecorded => r !== null), owed: found.length })),
      ),
    ),
  );

/** judgeOwedCompletions, for the completions it recorded. */
export const recordOwedCompletions = (
  deps: LedgerDeps,
  planId: string,
  tasks?: readonly number[],
  writer: () => TE.TaskEither<LedgerFailure, LedgerDeps> = () => TE.right(deps),
  onMismatch: OnMismatch = 'refuse',
): TE.TaskEither<LedgerFailure, CompletionRecorded[]> =>
  pipe(
    judgeOwedCompletions(deps, planId, tasks, writer, onMismatch),
    TE.map((r) => r.recorded),
  );

/**
 * Records TaskCompleted once, when every target of the task is met by the figures in force,
 * naming those figures and the events behind them, dated by its cause. Needs the read model
 * to be up to date. Returns whether a completion was recorded by this call.
 */
export const checkCompletion = (deps: LedgerDeps, frame: PlanFrame, task: number): TE.TaskEither<LedgerFailure, boolean> =>
  pipe(
    recordOwedCompletions(deps, frame.planId, [task]),
    TE.map((recorded) => recorded.length > 0),
  );
