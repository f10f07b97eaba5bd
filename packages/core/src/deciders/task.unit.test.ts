import type { LedgerEventData } from '../events/events';
import type { Plan, Task } from '../plan/schema';
import { miniPlan, spec } from './spec';
import { targetSetFor, taskDecider, type TaskCommand } from './task';

const pipes: Task = {
  number: 13,
  title: '推进城市地下管网更新改造',
  description: '改造燃气、供水管网',
  responsibleUnits: ['housing', 'gas'],
  outdoor: true,
  metrics: [
    { id: 't13-gas-pipes', name: '燃气管网改造', target: { kind: 'atLeast', value: '500', unit: '公里' }, level: 'district' },
    { id: 't13-water-pipes', name: '供水管网改造', target: { kind: 'atLeast', value: '120', unit: '公里' }, level: 'district' },
  ],
};

const childcare: Task = {
  number: 11,
  title: '健全完善托育服务体系',
  description: '扩大托育服务供给',
  responsibleUnits: ['health'],
  outdoor: false,
  metrics: [
    {
      id: 't11-childcare',
      name: '每千人口托位数',
      target: { kind: 'rate', value: '3.78', unit: '个/千人', per: '1000', numerator: '托位数', denominator: '常住人口' },
      level: 'district',
    },
  ],
};

const plan: Plan = miniPlan({
  responsibleUnits: [
    { id: 'housing', name: '市住建局' },
    { id: 'gas', name: '市燃气公司' },
    { id: 'health', name: '市卫健委' },
  ],
  deadlines: [
    { id: 'progress-report', kind: 'report', due: '2024-12-25', appliesTo: 'all', description: '12月25日前报送进展' },
    { id: 'outdoor-completion', kind: 'completion', due: '2024-10-31', appliesTo: 'outdoor', description: '室外施工10月底前完工' },
    { id: 'completion', kind: 'completion', due: '2024-12-31', appliesTo: 'all', description: '12月底前全面完成' },
  ],
  tasks: [pipes, childcare],
});

const targetsSet = (task: Task, p: Plan = plan) => targetSetFor(p, task).map((data) => ({ type: 'TargetSet' as const, data }));
const [gasSet, waterSet] = targetsSet(pipes);
const tasks = spec(taskDecider);

const completed: LedgerEventData<'TaskCompleted'> = {
  planId: 'mini-2024',
  task: 13,
  completedOn: '2024-10-20',
  figures: [
    { metric: 't13-gas-pipes', value: '512', target: '500', events: ['01J9Z0000000000000000000A1'] },
    { metric: 't13-water-pipes', value: '120', target: '120', events: ['01J9Z0000000000000000000A2'] },
  ],
};

const missed = (over: Partial<LedgerEventData<'DeadlineMissed'>> = {}): LedgerEventData<'DeadlineMissed'> => ({
  planId: 'mini-2024',
  task: 13,
  metric: 't13-gas-pipes',
  deadline: 'completion',
  kind: 'completion',
  due: '2024-12-31',
  value: '400',
  target: '500',
  shortfall: '100',
  ...over,
});

const missedAt = (now: string, data = missed()): TaskCommand => ({
  type: 'RecordDeadlineMissed',
  data,
  timeZone: '+08:00',
  now: new Date(now),
});

describe('taskDecider: SetTargets', () => {
  it('sets one target per metric of the task', () => {
    const events = tasks.given([]).when({ type: 'SetTargets', plan, task: pipes }).then([gasSet!, waterSet!]);
    expect(events.map((e) => e.data.metric.id)).toEqual(['t13-gas-pipes', 't13-water-pipes']);
  });

  it('a target names its task, responsible units (lead first) and the deadlines that apply to it', () => {
    expect(gasSet!.data).toEqual({
      planId: 'mini-2024',
      task: { number: 13, title: pipes.title, description: pipes.description, outdoor: true },
      responsibleUnits: ['housing', 'gas'],
      metric: { id: 't13-gas-pipes', name: '燃气管网改造', level: 'district' },
      target: { kind: 'atLeast', value: '500', unit: '公里' },
      deadlines: ['progress-report', 'outdoor-completion', 'completion'],
    });
    expect(targetSetFor(plan, childcare)[0]!.deadlines).toEqual(['progress-report', 'completion']);
  });

  it('setting the same targets again adds nothing', () => {
    tasks.given([gasSet!, waterSet!]).when({ type: 'SetTargets', plan, task: pipes }).thenNothing();
  });

  it('a revised target value sets only that metric again', () => {
    const revised: Task = {
      ...pipes,
      metrics: [{ ...pipes.metrics[0]!, target: { kind: 'atLeast', value: '520', unit: '公里' } }, pipes.metrics[1]!],
    };
    const events = tasks
      .given([gasSet!, waterSet!])
      .when({ type: 'SetTargets', plan, task: revised })
      .then([targetsSet(revised)[0]!]);
    expect(events[0]!.data.target).toEqual({ kind: 'atLeast', value: '520', unit: '公里' });
  });

  it('compares with the latest revision: going back to the first value sets it again', () => {
    const revised: Task = {
      ...pipes,
      metrics: [{ ...pipes.metrics[0]!, target: { kind: 'atLeast', value: '520', unit: '公里' } }, pipes.metrics[1]!],
    };
    const [revisedGas] = targetsSet(revised);
    tasks.given([gasSet!, waterSet!, revisedGas!]).when({ type: 'SetTargets', plan, task: pipes }).then([gasSet!]);
  });

  it('a metric added to the task is set alone', () => {
    tasks.given([gasSet!]).when({ type: 'SetTargets', plan, task: pipes }).then([waterSet!]);
  });

  it('a change of responsible units sets every metric of the task again', () => {
    const shared: Task = { ...pipes, responsibleUnits: ['housing', 'gas', 'health'] };
    tasks.given([gasSet!, waterSet!]).when({ type: 'SetTargets', plan, task: shared }).then(targetsSet(shared));
  });
});

describe('taskDecider: RecordCompletion', () => {
  it('records the completion with the figures that satisfied it', () => {
    tasks
      .given([gasSet!, waterSet!])
      .when({ type: 'RecordCompletion', data: completed })
      .then([{ type: 'TaskCompleted', data: completed }]);
  });

  it('records it once: a second completion adds nothing', () => {
    tasks
      .given([gasSet!, waterSet!, { type: 'TaskCompleted', data: completed }])
      .when({ type: 'RecordCompletion', data: { ...completed, completedOn: '2024-11-02' } })
      .thenNothing();
  });

  it('refuses a completion that names no figure for one of the metrics', () => {
    const err = tasks
      .given([gasSet!, waterSet!])
      .when({ type: 'RecordCompletion', data: { ...completed, figures: [completed.figures[0]!] } })
      .thenFails('InvalidInput', 't13-water-pipes');
    expect(err).toMatchObject({ field: 'figures' });
  });

  it('refuses to complete a task that has no targets', () => {
    tasks.given([]).when({ type: 'RecordCompletion', data: completed }).thenFails('InvalidInput', 'has no targets');
  });
});

describe('taskDecider: RecordDeadlineMissed', () => {
  const given = tasks.given([gasSet!, waterSet!]);

  it('refuses before the deadline passes: one millisecond before midnight at the end of the due day (+08:00)', () => {
    given.when(missedAt('2024-12-31T23:59:59.999+08:00')).thenFails('DeadlineNotPassed', 'completion');
    // The same instant in UTC: the plan's time zone decides, not the machine's.
    given.when(missedAt('2024-12-31T15:59:59.999Z')).thenFails('DeadlineNotPassed');
  });

  it('refuses on the due day itself, which is still inside the deadline', () => {
    given.when(missedAt('2024-12-31T09:00:00+08:00')).thenFails('DeadlineNotPassed');
  });

  it('records the missed deadline from midnight at the end of the due day (+08:00)', () => {
    given.when(missedAt('2025-01-01T00:00:00.000+08:00')).then([{ type: 'DeadlineMissed', data: missed() }]);
    given.when(missedAt('2024-12-31T16:00:00.000Z')).then([{ type: 'DeadlineMissed', data: missed() }]);
  });

  it('records it once: the same (metric, deadline) again adds nothing', () => {
    tasks
      .given([gasSet!, waterSet!, { type: 'DeadlineMissed', data: missed() }])
      .when(missedAt('2025-01-05T00:00:00+08:00', missed({ value: '410', shortfall: '90' })))
      .thenNothing();
  });

  it('another deadline, or another metric, of the same task is recorded on its own', () => {
    const outdoor = missed({ deadline: 'outdoor-completion', due: '2024-10-31' });
    const history = [gasSet!, waterSet!, { type: 'DeadlineMissed' as const, data: missed() }];
    tasks
      .given(history)
      .when(missedAt('2025-01-01T00:00:00+08:00', outdoor))
      .then([{ type: 'DeadlineMissed', data: outdoor }]);
    const water = missed({ metric: 't13-water-pipes', value: null, target: '120', shortfall: 'no report' });
    tasks
      .given(history)
      .when(missedAt('2025-01-01T00:00:00+08:00', water))
      .then([{ type: 'DeadlineMissed', data: water }]);
  });

  it('refuses a deadline that does not apply to the metric', () => {
    const childcareSet = targetsSet(childcare)[0]!;
    const outdoor = missed({ task: 11, metric: 't11-childcare', deadline: 'outdoor-completion', due: '2024-10-31' });
    const err = tasks
      .given([childcareSet])
      .when(missedAt('2025-01-01T00:00:00+08:00', outdoor))
      .thenFails('InvalidInput', 'outdoor-completion does not apply to t11-childcare');
    expect(err).toMatchObject({ field: 'deadline' });
    tasks
      .given([gasSet!])
      .when(missedAt('2024-11-01T00:00:00+08:00', missed({ deadline: 'outdoor-completion', due: '2024-10-31' })))
      .then([{ type: 'DeadlineMissed', data: missed({ deadline: 'outdoor-completion', due: '2024-10-31' }) }]);
  });

  it('refuses a metric the task has no target for', () => {
    const err = given
      .when(missedAt('2025-01-01T00:00:00+08:00', missed({ metric: 't11-childcare' })))
      .thenFails('UnknownMetric', 'task 13 has no metric t11-childcare');
    expect(err).toMatchObject({ metric: 't11-childcare' });
  });
});
