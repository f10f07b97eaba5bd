import { left, right } from 'fp-ts/Either';
import { canonicalJson } from '../hash';
import { invalidInput, unknownMetric, type LedgerError } from '../errors';
import type { EventOf, LedgerEventData } from '../events/events';
import { deadlineInstant, deadlinesOf } from '../plan/queries';
import type { Metric, Plan, Task } from '../plan/schema';
import type { Target } from '../kinds/schemas';
import type { Decider } from './decider';

export type TargetSetData = LedgerEventData<'TargetSet'>;

export type TaskCommand =
  | { readonly type: 'SetTargets'; readonly plan: Plan; readonly task: Task }
  | {
      readonly type: 'RecordCompletion';
      readonly data: LedgerEventData<'TaskCompleted'>;
    }
  | {
      readonly type: 'RecordDeadlineMissed';
      readonly data: LedgerEventData<'DeadlineMissed'>;
      readonly timeZone: string;
      /** The checking process's clock reading. */
      readonly now: Date;
    };

export interface TaskState {
  /** The current target of each metric, by metric id. */
  readonly targets: Readonly<Record<string, TargetSetData>>;
  readonly completed: LedgerEventData<'TaskCompleted'> | null;
  /** `${metric}|${deadline}` of every deadline recorded as missed. */
  readonly missed: ReadonlySet<string>;
}

type TaskEvent = EventOf<'TargetSet'> | EventOf<'TaskCompleted'> | EventOf<'DeadlineMissed'>;

/** The deadlines of one metric: the task's, with its own completion deadline in place of the plan-wide ones. */
export const metricDeadlines = (plan: Plan, task: Task, metric: Metric): string[] => {
  const of = deadlinesOf(plan, task);
  if (metric.deadline === undefined) return of.map((d) => d.id);
  return [...of.filter((d) => d.kind !== 'completion').map((d) => d.id), metric.deadline];
};

/** An approximate target without its own band takes the plan's (左右 has none in the source). */
const resolvedTarget = (plan: Plan, metric: Metric): Target =>
  metric.target.kind === 'approximate' && metric.target.tolerance === undefined && plan.approximateTolerance
    ? { ...metric.target, tolerance: plan.approximateTolerance.value }
    : metric.target;

const optional = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> =>
  (v === undefined ? {} : { [key]: v }) as Partial<Record<K, V>>;

export const targetSetFor = (plan: Plan, task: Task): TargetSetData[] =>
  task.metrics.map((m) => ({
    planId: plan.id,
    task: { number: task.number, title: task.title, description: task.description, outdoor: task.outdoor },
    responsibleUnits: m.responsibleUnits ?? task.responsibleUnits,
    metric: {
      id: m.id,
      name: m.name,
      ...optional('written', m.written),
      level: m.level,
      ...optional('places', m.places),
      ...optional('baseline', m.baseline),
      ...optional('schedule', m.schedule),
      ...optional('measuredAtPeriodEnd', m.measuredAtPeriodEnd),
      ...optional('allocation', m.allocation),
    },
    target: resolvedTarget(plan, m),
    deadlines: metricDeadlines(plan, task, m),
  }));

export const missedKey = (metric: string, deadline: string): string => `${metric}|${deadline}`;

/**
 * A task's stream: its targets (set again only when they change), its completion
 * (recorded once) and its missed deadlines (once per metric and deadline, never early).
 */
export const taskDecider: Decider<TaskCommand, TaskState, TaskEvent> = {
  initialState: () => ({ targets: {}, completed: null, missed: new Set() }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'TargetSet':
        return { ...state, targets: { ...state.targets, [event.data.metric.id]: event.data } };
      case 'TaskCompleted':
        return { ...state, completed: event.data };
      case 'DeadlineMissed':
        return { ...state, missed: new Set([...state.missed, missedKey(event.data.metric, event.data.deadline)]) };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'SetTargets':
        return right(
          targetSetFor(command.plan, command.task)
            .filter((t) => {
              const current = state.targets[t.metric.id];
              return !current || canonicalJson(current) !== canonicalJson(t);
            })
            .map((data) => ({ type: 'TargetSet' as const, data })),
        );
      case 'RecordCompletion': {
        if (state.completed) return right([]);
        const named = new Set(command.data.figures.map((f) => f.metric));
        const missing = Object.keys(state.targets).filter((m) => !named.has(m));
        if (!Object.keys(state.targets).length) return left(invalidInput('task', `task ${command.data.task} has no targets`));
        if (missing.length)
          return left(invalidInput('figures', `a completion must name a figure for every metric; missing ${missing.join(', ')}`));
        return right([{ type: 'TaskCompleted' as const, data: command.data }]);
      }
      case 'RecordDeadlineMissed': {
        const { data } = command;
        const current = state.targets[data.metric];
        if (!current) return left(unknownMetric(data.metric, data.task) as LedgerError);
        if (!current.deadlines.includes(data.deadline))
          return left(
            invalidInput(
              'deadline',
              `deadline ${data.deadline} does not apply to ${data.metric} (its deadlines: ${current.deadlines.join(', ') || 'none'})`,
            ),
          );
        if (state.missed.has(missedKey(data.metric, data.deadline))) return right([]);
        const passes = deadlineInstant(data.due, command.timeZone);
        if (command.now.getTime() < passes.getTime())
          return left({
            _tag: 'DeadlineNotPassed',
            deadline: data.deadline,
            code: 'deadline.notPassed',
            fields: { deadline: data.deadline, due: data.due, at: command.now.toISOString() },
            message: `deadline ${data.deadline} (due ${data.due}) has not passed at ${command.now.toISOString()}`,
          });
        return right([{ type: 'DeadlineMissed' as const, data }]);
      }
    }
  },
};
