import { isLeft, isRight } from 'fp-ts/Either';
import { parsePlan } from './load';

/* Issue 14's plan fields: every problem listed, each with its path and a reason. Uses the ledger's sample plan shape. */

const base = (): any => ({
  id: 'sample-2024',
  title: '示例市民生实事工作方案',
  document: '示政办发〔2024〕1号',
  issuedBy: '示例市人民政府办公厅',
  publishedOn: '2024-03-01',
  periodStart: '2024-01-01',
  periodEnd: '2024-12-31',
  timeZone: '+08:00',
  places: [
    { id: 'city', name: '示例市', kind: 'city' },
    { id: 'east', name: '东区', kind: 'district', parent: 'city' },
    { id: 'west', name: '西区', kind: 'district', parent: 'city' },
  ],
  responsibleUnits: [
    { id: 'housing', name: '市住建局' },
    { id: 'finance', name: '市财政局' },
    { id: 'eco', name: '市生态环境局' },
  ],
  deadlines: [
    { id: 'report', kind: 'report', due: '2024-12-25', appliesTo: 'all', description: '报送' },
    { id: 'heating', kind: 'completion', due: '2024-10-20', appliesTo: 'named', description: '供热期前' },
    { id: 'completion', kind: 'completion', due: '2024-12-31', appliesTo: 'all', description: '完成' },
  ],
  tasks: [
    {
      number: 1,
      title: '管网',
      description: '改造管网',
      responsibleUnits: ['housing', 'finance'],
      outdoor: true,
      metrics: [
        { id: 'pipes', name: '管网', target: { kind: 'atLeast', value: '500', unit: '公里' } },
        { id: 'share', name: '覆盖率', target: { kind: 'share', value: '50', unit: '%', numerator: 'a', denominator: 'b' } },
        { id: 'places', name: '学位', target: { kind: 'approximate', value: '100', unit: '个' } },
      ],
    },
  ],
});

const pairs = (input: unknown): string[][] => {
  const r = parsePlan(input, 'sample.json');
  if (!isLeft(r)) throw new Error('expected the plan to be refused');
  return r.left.problems.map((p) => [p.path, p.reason]);
};

describe('plan status fields', () => {
  it('accepts every field when consistent, and the metric takes its own units and deadline', () => {
    const p = base();
    p.approximateTolerance = { value: '0.05', reason: 'assumption: 左右 has no band in the source' };
    p.onTrackTolerance = { value: '10', reason: 'assumption' };
    const [pipes, share, places] = p.tasks[0].metrics;
    Object.assign(pipes, { schedule: { profile: 'season', start: '2024-04-01', end: '2024-10-31' }, deadline: 'heating', responsibleUnits: ['housing'], sources: { schedule: 'assumption: frozen ground' } });
    Object.assign(share, { baseline: { value: '40', asOf: '2023-12-31' }, schedule: { profile: 'points', points: [{ date: '2024-06-30', percent: '30' }, { date: '2024-09-30', percent: '70' }] } });
    Object.assign(places, { allocation: [{ place: 'east', value: '60' }, { place: 'west', value: '40' }] });
    expect(isRight(parsePlan(p))).toBe(true);
  });

  it('lists every problem of the new fields at once', () => {
    const p = base();
    const [pipes, share, places] = p.tasks[0].metrics;
    Object.assign(pipes, {
      responsibleUnits: ['eco', 'housing', 'housing'],
      schedule: { profile: 'season', start: '2024-11-01', end: '2024-04-01' },
      deadline: 'report',
      baseline: { value: '600', asOf: '2024-02-01' },
      sources: { weight: 'assumption' },
    });
    Object.assign(share, {
      measuredAtPeriodEnd: true,
      schedule: { profile: 'linear' },
      allocation: [{ place: 'city', value: '120' }],
    });
    Object.assign(places, { allocation: [{ place: 'east', value: '60' }, { place: 'east', value: '30' }] });
    expect(pairs(p)).toEqual([
      ['tasks[0].metrics[0].responsibleUnits[0]', '"eco" is not one of task 1\'s responsible units (housing, finance): a duty goes to a unit of its task'],
      ['tasks[0].metrics[0].responsibleUnits', 'a responsible unit is listed twice'],
      ['tasks[0].metrics[0].baseline.value', 'the baseline 600 already reaches the target 500: progress from it cannot be measured'],
      ['tasks[0].metrics[0].baseline.asOf', '2024-02-01 is after the period\'s start (2024-01-01): a baseline is where the metric stood when the period began'],
      ['tasks[0].metrics[0].schedule.end', 'must be after the season\'s start'],
      ['tasks[0].metrics[0].deadline', 'deadline "report" is a report deadline; a metric\'s own deadline is a completion deadline'],
      ['tasks[0].metrics[0].sources.weight', '"weight" is not a field of this metric: a source explains a value the metric has'],
      ['tasks[0].metrics[1].schedule', 'a metric measured at period end has no interim pace: leave schedule out, or use "periodEnd"'],
      ['tasks[0].metrics[1].allocation[0].place', '"city" is the city: an allocation gives parts of the city\'s target to places under it'],
      ['tasks[0].metrics[1].allocation[0].value', 'a share is a percent and cannot exceed 100 (got 120)'],
      ['tasks[0].metrics[2].allocation[1].place', 'place "east" is allocated twice'],
      ['tasks[0].metrics[2].allocation', 'the places\' targets add up to 90, not the city\'s 100: a split of a city sum adds up to it'],
      ['tasks[0].metrics[2].target.tolerance', 'an approximate (左右) target needs a band: give the plan an approximateTolerance with its reason, or the target a tolerance'],
    ]);
  });

  it('refuses a plan-level band that is not a fraction, and a season outside the period', () => {
    const p = base();
    p.approximateTolerance = { value: '5', reason: '±5%' };
    p.tasks[0].metrics[0].schedule = { profile: 'season', start: '2023-04-01', end: '2024-10-31' };
    expect(pairs(p)).toEqual([
      ['approximateTolerance.value', '"5" is not a fraction between 0 and 1: the tolerance is relative, "0.05" for ±5%'],
      ['tasks[0].metrics[0].schedule.start', '2023-04-01 is outside the plan\'s period (2024-01-01 to 2024-12-31)'],
    ]);
  });
});
