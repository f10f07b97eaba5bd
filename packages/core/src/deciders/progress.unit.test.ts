import type { LedgerEventData } from '../events/events';
import { FigureSchema, type Figure } from '../kinds/schemas';
import type { Plan, Task } from '../plan/schema';
import { planFrame } from './plan';
import { dateIn, progressDecider, type ProgressCommand, type ProgressContext } from './progress';
import { miniPlan, spec } from './spec';
import { targetSetFor } from './task';

const task = (number: number, responsibleUnits: string[], metrics: Task['metrics']): Task => ({
  number,
  title: `任务${number}`,
  description: `任务${number}的工作内容`,
  responsibleUnits,
  outdoor: false,
  metrics,
});

/** The mini plan with one metric of every kind that has a reporting rule to check. */
const plan: Plan = miniPlan({
  responsibleUnits: [
    { id: 'hrss', name: '市人社局' },
    { id: 'finance', name: '市财政局' },
    { id: 'housing', name: '市住建局' },
    { id: 'health', name: '市卫健委' },
    { id: 'ndrc', name: '市发改委' },
    { id: 'eco-env', name: '市生态环境局' },
    { id: 'water', name: '市水务局' },
  ],
  deadlines: [{ id: 'completion', kind: 'completion', due: '2024-12-31', appliesTo: 'all', description: '12月底前全面完成' }],
  tasks: [
    task(1, ['hrss', 'finance'], [
      { id: 't01-stations', name: '就业服务站', target: { kind: 'atLeast', value: '73', unit: '个' }, level: 'district' },
      { id: 't01-employed', name: '务工规模', target: { kind: 'atLeast', value: '2.55', unit: '万人' }, level: 'district' },
    ]),
    task(2, ['housing'], [
      {
        id: 't02-coverage',
        name: '监控预警平台在建项目覆盖率',
        target: { kind: 'share', value: '80', unit: '%', numerator: '纳入平台的在建项目数', denominator: '在建项目数' },
        level: 'district',
      },
    ]),
    task(11, ['health'], [
      {
        id: 't11-childcare',
        name: '每千人口托位数',
        target: { kind: 'rate', value: '3.78', unit: '个/千人', per: '1000', numerator: '托位数', denominator: '常住人口' },
        level: 'district',
      },
    ]),
    task(12, ['ndrc'], [
      {
        id: 't12-substation',
        name: '西区220千伏变电站前期工作',
        target: { kind: 'milestone', stages: ['选址', '可研编制', '评审', '纳规'] },
        level: 'district',
        places: ['west'],
      },
    ]),
    task(17, ['eco-env', 'water'], [
      { id: 't17-pm25', name: '全市PM2.5浓度', target: { kind: 'ceiling', value: '35', unit: '微克/立方米' }, level: 'city' },
      { id: 't17-drinking-water', name: '饮用水水源地水质稳定达标', target: { kind: 'yesNo' }, level: 'city' },
    ]),
  ],
});

const contextOf = (metric: string): ProgressContext => {
  const t = plan.tasks.find((x) => x.metrics.some((m) => m.id === metric))!;
  return { frame: planFrame(plan), target: targetSetFor(plan, t).find((s) => s.metric.id === metric)! };
};

const NOW = new Date('2024-10-15T10:00:00+08:00');

const report = (metric: string, by: string, place: string, figure: Figure, asOf = '2024-09-30', now = NOW): ProgressCommand => ({
  type: 'ReportProgress',
  by,
  place,
  now,
  context: contextOf(metric),
  asOf,
  figure,
});

const qty = (value: string, unit: string): Figure => ({ kind: 'quantity', value, unit });
const ratio = (numerator: string, denominator: string): Figure => ({ kind: 'ratio', numerator, denominator });
const stations = (figure: Figure = qty('12', '个')) => report('t01-stations', 'hrss', 'east', figure);

const reported = (
  metric: string,
  task: number,
  place: string,
  figure: Figure,
  asOf = '2024-09-30',
): { type: 'ProgressReported'; data: LedgerEventData<'ProgressReported'> } => ({
  type: 'ProgressReported',
  data: { planId: 'mini-2024', task, metric, place, asOf, figure },
});

const progress = spec(progressDecider);
const nothingBefore = progress.given([]);

describe('progressDecider: who may report', () => {
  it('accepts a report from the lead unit', () => {
    nothingBefore.when(stations()).then([reported('t01-stations', 1, 'east', qty('12', '个'))]);
  });

  it('accepts a report from a co-responsible unit', () => {
    nothingBefore
      .when(report('t01-stations', 'finance', 'west', qty('7', '个')))
      .then([reported('t01-stations', 1, 'west', qty('7', '个'))]);
  });

  it('refuses a unit of the plan that is not responsible for the task, naming the unit and the task', () => {
    const err = nothingBefore
      .when(report('t01-stations', 'housing', 'east', qty('12', '个')))
      .thenFails('NotResponsible', '市住建局 is not a responsible unit of task 1');
    expect(err).toMatchObject({ unit: 'housing', task: 1 });
    expect(err.message).toContain('市人社局, 市财政局');
  });

  it('refuses a unit that is not in the plan', () => {
    const err = nothingBefore.when(report('t01-stations', 'nobody', 'east', qty('12', '个'))).thenFails('UnknownUnit', 'nobody');
    expect(err).toMatchObject({ unit: 'nobody' });
  });
});

describe('progressDecider: where a figure may be reported', () => {
  it('refuses a place that is not in the plan', () => {
    const err = nothingBefore.when(report('t01-stations', 'hrss', 'north', qty('1', '个'))).thenFails('UnknownPlace', 'north');
    expect(err).toMatchObject({ place: 'north' });
  });

  it('refuses a district-level metric reported for the city', () => {
    nothingBefore
      .when(report('t01-stations', 'hrss', 'city', qty('73', '个')))
      .thenFails('UnknownPlace', 'reported per district and rolled up to the city');
  });

  it('refuses a city-level metric (PM2.5) reported for a district, and accepts it for the city', () => {
    const pm25 = qty('31.4', '微克/立方米');
    nothingBefore
      .when(report('t17-pm25', 'eco-env', 'east', pm25))
      .thenFails('UnknownPlace', 'measured once for the whole city');
    nothingBefore.when(report('t17-pm25', 'eco-env', 'city', pm25)).then([reported('t17-pm25', 17, 'city', pm25)]);
  });

  it('refuses a place outside the places a metric is limited to', () => {
    const stage: Figure = { kind: 'stage', stage: '选址' };
    nothingBefore
      .when(report('t12-substation', 'ndrc', 'east', stage))
      .thenFails('UnknownPlace', 'is not one of the places of t12-substation (west)');
    nothingBefore.when(report('t12-substation', 'ndrc', 'west', stage)).then([reported('t12-substation', 12, 'west', stage)]);
  });
});

describe('progressDecider: the figure fits the target kind', () => {
  const refused = (cmd: ProgressCommand, field: string, reason?: string) => {
    const err = nothingBefore.when(cmd).thenFails('InvalidFigure', reason);
    expect(err).toMatchObject({ field });
  };

  it('a share needs a numerator and a denominator', () => {
    refused(report('t02-coverage', 'housing', 'east', qty('85', '%')), 'denominator', '在建项目数');
  });

  it('a share cannot have a numerator above its denominator', () => {
    refused(report('t02-coverage', 'housing', 'east', ratio('41', '40')), 'numerator', 'exceeds');
    const full = ratio('40', '40');
    nothingBefore.when(report('t02-coverage', 'housing', 'east', full)).then([reported('t02-coverage', 2, 'east', full)]);
  });

  it('a ratio cannot have a zero denominator', () => {
    refused(report('t02-coverage', 'housing', 'east', ratio('0', '0')), 'denominator', 'greater than 0');
    refused(report('t11-childcare', 'health', 'east', ratio('10', '0')), 'denominator');
  });

  it('a rate may exceed one: only shares are capped at their denominator', () => {
    const places = ratio('1200', '1000');
    nothingBefore.when(report('t11-childcare', 'health', 'east', places)).then([reported('t11-childcare', 11, 'east', places)]);
  });

  it('a milestone stage must be one of the target stages', () => {
    refused(report('t12-substation', 'ndrc', 'west', { kind: 'stage', stage: '开工' }), 'stage', '选址 → 可研编制 → 评审 → 纳规');
    refused(report('t12-substation', 'ndrc', 'west', qty('1', '个')), 'stage');
  });

  it('a quantity must be in a unit with the same base as the target', () => {
    refused(stations(qty('12', '公里')), 'unit', '公里');
    refused(report('t01-employed', 'hrss', 'east', qty('100', '人次')), 'unit');
  });

  it('a quantity in another unit of the same base is kept as written', () => {
    const people = qty('8200', '人');
    nothingBefore.when(report('t01-employed', 'hrss', 'east', people)).then([reported('t01-employed', 1, 'east', people)]);
  });

  it('a count takes whole numbers of its base unit: half a person is refused, 2.55 万人 is 25500 人', () => {
    const err = nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('0.5', '个')))
      .thenFails('InvalidFigure', '"0.5" 个 is not a whole number: 个 counts people, households or things');
    expect(err).toMatchObject({ field: 'value' });
    nothingBefore
      .when(report('t01-employed', 'hrss', 'east', qty('0.00005', '万人')))
      .thenFails('InvalidFigure', '"0.00005" 万人 (0.5 人) is not a whole number');
    nothingBefore.when(report('t01-employed', 'hrss', 'east', qty('2.55', '万人'))).then([reported('t01-employed', 1, 'east', qty('2.55', '万人'))]);
    nothingBefore.when(report('t01-employed', 'hrss', 'east', qty('0.5', '人'))).thenFails('InvalidFigure', 'not a whole number');
  });

  it('refuses a figure beyond the precision instead of rounding it (24 digits before the point, 10 after)', () => {
    const big = `1${'0'.repeat(43)}1`; // 1e44 + 1: was shown as 1e44
    const err = nothingBefore.when(report('t01-stations', 'hrss', 'east', qty(big, '个'))).thenFails('InvalidFigure', 'has 45 digits before the decimal point');
    expect(err).toMatchObject({ field: 'value' });
    nothingBefore.when(report('t17-pm25', 'eco-env', 'city', qty('31.12345678901', '微克/立方米'))).thenFails('InvalidFigure', 'has 11 digits after');
    nothingBefore.when(report('t02-coverage', 'housing', 'east', ratio('1', `1${'0'.repeat(24)}`))).thenFails('InvalidFigure', 'has 25 digits');
    const most = `${'9'.repeat(24)}`;
    nothingBefore.when(report('t01-stations', 'hrss', 'east', qty(most, '个'))).then([reported('t01-stations', 1, 'east', qty(most, '个'))]);
    nothingBefore
      .when(report('t17-pm25', 'eco-env', 'city', qty('31.1234567891', '微克/立方米')))
      .then([reported('t17-pm25', 17, 'city', qty('31.1234567891', '微克/立方米'))]);
  });

  it('a negative value is refused by the figure schema', () => {
    expect(FigureSchema.safeParse(qty('-1', '个')).success).toBe(false);
    expect(FigureSchema.safeParse(ratio('-1', '10')).success).toBe(false);
    expect(FigureSchema.safeParse(ratio('1', '-10')).success).toBe(false);
    expect(FigureSchema.safeParse(qty('0', '个')).success).toBe(true);
  });
});

describe('progressDecider: the effective date (asOf)', () => {
  it('accepts today in the plan time zone and refuses tomorrow', () => {
    nothingBefore.when(report('t01-stations', 'hrss', 'east', qty('12', '个'), '2024-10-15')).then([
      reported('t01-stations', 1, 'east', qty('12', '个'), '2024-10-15'),
    ]);
    const err = nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('12', '个'), '2024-10-16'))
      .thenFails('InvalidInput', 'is in the future (today is 2024-10-15)');
    expect(err).toMatchObject({ field: 'asOf' });
  });

  it('"today" is the date in the plan time zone, not in UTC', () => {
    const justAfterMidnight = new Date('2024-10-15T16:30:00Z'); // 2024-10-16 00:30 at +08:00
    const justBefore = new Date('2024-10-15T15:59:59.999Z'); // 2024-10-15 23:59:59.999 at +08:00
    expect(dateIn(justAfterMidnight, '+08:00')).toBe('2024-10-16');
    expect(dateIn(justBefore, '+08:00')).toBe('2024-10-15');
    expect(dateIn(new Date('2024-10-15T02:00:00Z'), '-05:30')).toBe('2024-10-14');
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('12', '个'), '2024-10-16', justAfterMidnight))
      .then([reported('t01-stations', 1, 'east', qty('12', '个'), '2024-10-16')]);
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('12', '个'), '2024-10-16', justBefore))
      .thenFails('InvalidInput', 'future');
  });

  it('refuses a date before the plan period starts, and accepts its first day', () => {
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('1', '个'), '2023-12-31'))
      .thenFails('InvalidInput', "before the plan's period starts (2024-01-01)");
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('1', '个'), '2024-01-01'))
      .then([reported('t01-stations', 1, 'east', qty('1', '个'), '2024-01-01')]);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-9-30', '30/09/2024', ''])('refuses %p, which is not a real date', (asOf) => {
    const err = nothingBefore.when(report('t01-stations', 'hrss', 'east', qty('1', '个'), asOf)).thenFails('InvalidInput', 'not a date');
    expect(err).toMatchObject({ field: 'asOf' });
  });

  it('refuses a date past the period end plus the grace the plan states (default 90 days), and accepts its last day', () => {
    const late = new Date('2026-03-01T10:00:00+08:00');
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('1', '个'), '2025-03-31', late))
      .then([reported('t01-stations', 1, 'east', qty('1', '个'), '2025-03-31')]);
    const err = nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('1', '个'), '2025-04-01', late))
      .thenFails('InvalidInput', "2025-04-01 is past the plan's period (it ends 2024-12-31) and its grace of 90 days: the last as-of date it accepts is 2025-03-31");
    expect(err).toMatchObject({ field: 'asOf' });
    const strict = { ...contextOf('t01-stations'), frame: { ...planFrame(plan), asOfGraceDays: 0 } };
    progress
      .given([])
      .when({ ...report('t01-stations', 'hrss', 'east', qty('1', '个'), '2025-01-01', late), context: strict })
      .thenFails('InvalidInput', 'grace of 0 days: the last as-of date it accepts is 2024-12-31');
  });

  it('accepts 29 February of a leap year', () => {
    nothingBefore
      .when(report('t01-stations', 'hrss', 'east', qty('1', '个'), '2024-02-29'))
      .then([reported('t01-stations', 1, 'east', qty('1', '个'), '2024-02-29')]);
  });
});

describe('progressDecider: yes/no', () => {
  const yes: Figure = { kind: 'flag', value: true };
  const no: Figure = { kind: 'flag', value: false };

  it('"yes" is the lead unit\'s sign-off', () => {
    nothingBefore.when(report('t17-drinking-water', 'eco-env', 'city', yes)).then([reported('t17-drinking-water', 17, 'city', yes)]);
  });

  it('a co-responsible unit may not say "yes", but may say "no"', () => {
    const err = nothingBefore
      .when(report('t17-drinking-water', 'water', 'city', yes))
      .thenFails('NotResponsible', 'only the lead unit 市生态环境局');
    expect(err).toMatchObject({ unit: 'water', task: 17 });
    nothingBefore.when(report('t17-drinking-water', 'water', 'city', no)).then([reported('t17-drinking-water', 17, 'city', no)]);
  });
});

describe('progressDecider: corrections and retractions', () => {
  const R1 = '01J9ZA0000000000000000REP1';
  const C1 = '01J9ZA0000000000000000CRR1';
  const X1 = '01J9ZA0000000000000000RTR1';
  const UNKNOWN = '01J9ZA0000000000000000NKN1';
  const head = { planId: 'mini-2024', task: 1, metric: 't01-stations', place: 'east' };
  // Reported by finance, task 1's second unit: finance and the lead (hrss) may correct or retract it.
  const original = { ...reported('t01-stations', 1, 'east', qty('12', '个')), eventId: R1, by: 'finance' };
  const correction = {
    type: 'ProgressCorrected' as const,
    eventId: C1,
    data: { ...head, corrects: R1, asOf: '2024-09-28', figure: qty('21', '个'), reason: '录入时数字颠倒' },
  };
  const retraction = { type: 'ProgressRetracted' as const, eventId: X1, data: { ...head, retracts: R1, reason: '重复报送' } };

  const correct = (corrects: string, reason: string, figure = qty('21', '个'), by = 'hrss', asOf?: string): ProgressCommand => ({
    type: 'CorrectProgress',
    by,
    place: 'east',
    now: NOW,
    context: contextOf('t01-stations'),
    corrects,
    figure,
    reason,
    ...(asOf !== undefined ? { asOf } : {}),
  });
  const retract = (retracts: string, reason = '重复报送'): ProgressCommand => ({
    type: 'RetractProgress',
    by: 'hrss',
    place: 'east',
    now: NOW,
    context: contextOf('t01-stations'),
    retracts,
    reason,
  });

  it('a correction names the report it corrects and why, keeping the report date unless given', () => {
    progress
      .given([original])
      .when(correct(R1, '  录入时数字颠倒 '))
      .then([
        { type: 'ProgressCorrected', data: { ...head, corrects: R1, asOf: '2024-09-30', figure: qty('21', '个'), reason: '录入时数字颠倒' } },
      ]);
    progress
      .given([original])
      .when(correct(R1, '日期有误', qty('12', '个'), 'finance', '2024-09-28'))
      .then([{ type: 'ProgressCorrected', data: { ...head, corrects: R1, asOf: '2024-09-28', figure: qty('12', '个'), reason: '日期有误' } }]);
  });

  it('refuses to correct an event that is not a report of this metric and place', () => {
    const err = progress.given([original]).when(correct(UNKNOWN, '笔误')).thenFails('UnknownEvent', UNKNOWN);
    expect(err).toMatchObject({ eventId: UNKNOWN });
    progress.given([]).when(correct(R1, '笔误')).thenFails('UnknownEvent');
  });

  it('a correction of a correction corrects the original report, at the corrected date', () => {
    progress
      .given([original, correction])
      .when(correct(C1, '再次核对', qty('20', '个')))
      .then([{ type: 'ProgressCorrected', data: { ...head, corrects: R1, asOf: '2024-09-28', figure: qty('20', '个'), reason: '再次核对' } }]);
  });

  it('refuses to correct a retracted report, directly or through its correction', () => {
    progress.given([original, retraction]).when(correct(R1, '笔误')).thenFails('AlreadyRetracted', R1);
    progress.given([original, correction, retraction]).when(correct(C1, '笔误')).thenFails('AlreadyRetracted', R1);
  });

  it('refuses a correction without a reason', () => {
    for (const reason of ['', '   ']) {
      const err = progress.given([original]).when(correct(R1, reason)).thenFails('InvalidInput', 'needs a reason');
      expect(err).toMatchObject({ field: 'reason' });
    }
  });

  it('refuses a reason with control characters or over PARAGRAPH_MAX characters, in a correction and a retraction', () => {
    for (const reason of ['笔误\x1b[8m隐藏', '第一行\r\n第二行', '笔'.repeat(4001)]) {
      expect(progress.given([original]).when(correct(R1, reason)).thenFails('InvalidInput')).toMatchObject({ field: 'reason' });
      expect(progress.given([original]).when(retract(R1, reason)).thenFails('InvalidInput')).toMatchObject({ field: 'reason' });
    }
    progress.given([original]).when(correct(R1, '笔'.repeat(4000))).then([
      { type: 'ProgressCorrected', data: { ...head, corrects: R1, asOf: '2024-09-30', figure: qty('21', '个'), reason: '笔'.repeat(4000) } },
    ]);
  });

  it('checks a correction like a report: unit, figure and date', () => {
    progress.given([original]).when(correct(R1, '笔误', qty('21', '个'), 'housing')).thenFails('NotResponsible');
    progress.given([original]).when(correct(R1, '笔误', qty('21', '公里'))).thenFails('InvalidFigure');
    progress.given([original]).when(correct(R1, '笔误', qty('21', '个'), 'hrss', '2024-10-16')).thenFails('InvalidInput', 'future');
  });

  it('retracts a report once', () => {
    progress
      .given([original])
      .when(retract(R1, ' 重复报送 '))
      .then([{ type: 'ProgressRetracted', data: { ...head, retracts: R1, reason: '重复报送' } }]);
  });

  it('a second retraction is refused as already retracted', () => {
    const err = progress.given([original, retraction]).when(retract(R1)).thenFails('AlreadyRetracted', 'retracted already');
    expect(err).toMatchObject({ eventId: R1 });
    progress.given([original, correction, retraction]).when(retract(C1)).thenFails('AlreadyRetracted');
  });

  it('retracting through a correction retracts the original report', () => {
    progress
      .given([original, correction])
      .when(retract(C1))
      .then([{ type: 'ProgressRetracted', data: { ...head, retracts: R1, reason: '重复报送' } }]);
  });

  it('only the unit that reported, or the lead unit, corrects or retracts a report', () => {
    const byLead = { ...original, by: 'hrss' };
    const err = progress.given([byLead]).when({ ...retract(R1), by: 'finance' }).thenFails('NotReportingUnit');
    expect(err).toEqual({
      _tag: 'NotReportingUnit',
      unit: 'finance',
      eventId: R1,
      reportedBy: 'hrss',
      lead: 'hrss',
      code: 'report.notReportingUnit',
      fields: { unit: '市财政局', verb: 'retract', eventId: R1, reporter: '市人社局', task: 1, lead: '市人社局' },
      message: `市财政局 may not retract report ${R1}: only the unit that reported it (市人社局) or the lead unit of task 1 (市人社局) may`,
    });
    progress.given([byLead, correction]).when(correct(C1, '笔误', qty('21', '个'), 'finance')).thenFails('NotReportingUnit', 'may not correct report');
    // The reporter (finance) and the lead (hrss) may.
    progress.given([original]).when({ ...retract(R1), by: 'finance' }).then([{ type: 'ProgressRetracted', data: { ...head, retracts: R1, reason: '重复报送' } }]);
    progress.given([original]).when(retract(R1)).then([{ type: 'ProgressRetracted', data: { ...head, retracts: R1, reason: '重复报送' } }]);
    // A report recorded without its unit: the lead alone.
    const { by: _, ...anonymous } = original;
    progress.given([anonymous]).when({ ...retract(R1), by: 'finance' }).thenFails('NotReportingUnit', 'only the lead unit of task 1 (市人社局) may');
  });

  it("a co-responsible unit cannot retract the lead unit's yes/no sign-off", () => {
    const signOff = {
      ...reported('t17-drinking-water', 17, 'city', { kind: 'flag', value: true }),
      eventId: R1,
      by: 'eco-env',
    };
    const byWater: ProgressCommand = { ...retract(R1), by: 'water', place: 'city', context: contextOf('t17-drinking-water') };
    progress.given([signOff]).when(byWater).thenFails('NotReportingUnit', '市水务局 may not retract report');
    progress.given([signOff]).when({ ...byWater, by: 'eco-env' }).then([
      { type: 'ProgressRetracted', data: { planId: 'mini-2024', task: 17, metric: 't17-drinking-water', place: 'city', retracts: R1, reason: '重复报送' } },
    ]);
  });

  it('refuses to retract an unknown event, or without a reason', () => {
    progress.given([original]).when(retract(UNKNOWN)).thenFails('UnknownEvent');
    progress.given([original]).when(retract(R1, ' ')).thenFails('InvalidInput', 'needs a reason');
  });

  // The ledger appends a report at whatever revision its stream has reached (progress-append.ts):
  // that is sound only while a report's decision reads nothing of the stream.
  it('decides a report the same whatever its stream holds', () => {
    for (const history of [[original], [original, correction], [original, correction, retraction]]) {
      progress.given(history).when(stations()).then([reported('t01-stations', 1, 'east', qty('12', '个'))]);
      progress.given(history).when(report('t01-stations', 'housing', 'east', qty('12', '个'))).thenFails('NotResponsible');
    }
  });
});
