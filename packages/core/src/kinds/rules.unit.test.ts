import { dec, decRound, decToString } from '../decimal';
import { convert, toBase } from '../units';
import { exceeds, figureValue, isMet, percentOfTarget, progressFromBaseline, rollUp, shortfall, type PlaceFigure } from './rules';
import type { Figure, Target } from './schemas';

const qty = (value: string, unit: string): Figure => ({ kind: 'quantity', value, unit });
const ratio = (numerator: string, denominator: string): Figure => ({ kind: 'ratio', numerator, denominator });
const stage = (s: string): Figure => ({ kind: 'stage', stage: s });
const flag = (value: boolean): Figure => ({ kind: 'flag', value });
const at = (place: string, figure: Figure): PlaceFigure => ({ place, figure });

/** Rolls the figures up and answers the questions a view asks of them. */
const judge = (target: Target, figures: PlaceFigure[], required: string[] = []) => {
  const r = rollUp(target, figures, required);
  const percent = percentOfTarget(target, r, figures, required);
  return {
    value: r.value === null ? null : decToString(r.value),
    met: isMet(target, r),
    percent: percent === null ? null : decToString(percent),
    shortfall: shortfall(target, r),
    r,
  };
};

const stations: Target = { kind: 'atLeast', value: '73', unit: '个' };
const employed: Target = { kind: 'atLeast', value: '2.55', unit: '万人' };
const kindergarten: Target = { kind: 'approximate', value: '25000', unit: '个', tolerance: '0.05' };
const coverage: Target = { kind: 'share', value: '80', unit: '%', numerator: '纳入平台的项目', denominator: '在建项目' };
const childcare: Target = { kind: 'rate', value: '3.78', unit: '个/千人', per: '1000', numerator: '托位数', denominator: '常住人口' };
const pm25: Target = { kind: 'ceiling', value: '35', unit: '微克/立方米' };
const STAGES = ['选址', '可研编制', '评审', '纳规'];
const substation: Target = { kind: 'milestone', stages: STAGES };
const water: Target = { kind: 'yesNo' };

describe('units: exact conversion', () => {
  it('2.55 万人 is exactly 25500 人, and back', () => {
    expect(decToString(convert(dec('2.55'), '万人', '人'))).toBe('25500');
    expect(decToString(toBase(dec('2.55'), '万人'))).toBe('25500');
    expect(decToString(convert(dec('25500'), '人', '万人'))).toBe('2.55');
    expect(decToString(convert(dec('1'), '人', '万人'))).toBe('0.0001');
    expect(decToString(convert(dec('1142'), '万平方米', '平方米'))).toBe('11420000');
  });

  it('decimal figures add up exactly (0.1 + 0.2 is 0.3)', () => {
    const pipes: Target = { kind: 'atLeast', value: '0.6', unit: '公里' };
    const j = judge(pipes, [at('east', qty('0.1', '公里')), at('west', qty('0.2', '公里'))]);
    expect(j.value).toBe('0.3');
    expect(j.shortfall).toBe('0.3');
    expect(j.percent).toBe('50');
    const exact: Target = { kind: 'approximate', value: '0.3', unit: '公里', tolerance: '0' };
    expect(judge(exact, [at('east', qty('0.1', '公里')), at('west', qty('0.2', '公里'))]).met).toBe(true);
  });
});

describe('atLeast', () => {
  it('a figure is its value in the target unit', () => {
    expect(decToString(figureValue(stations, qty('12', '个'))!)).toBe('12');
    expect(decToString(figureValue(employed, qty('8200', '人'))!)).toBe('0.82');
  });

  it('rolls up as the sum of place figures, converting units', () => {
    const j = judge(employed, [at('east', qty('2', '万人')), at('west', qty('5500', '人'))]);
    expect(j.value).toBe('2.55');
    expect(j.r.rule).toBe('sum of place figures in 万人');
  });

  it('is met at the target exactly, and not one unit below', () => {
    expect(judge(stations, [at('east', qty('40', '个')), at('west', qty('33', '个'))])).toMatchObject({
      value: '73',
      met: true,
      percent: '100',
      shortfall: '0',
    });
    expect(judge(stations, [at('east', qty('40', '个')), at('west', qty('32', '个'))])).toMatchObject({
      value: '72',
      met: false,
      shortfall: '1',
    });
    expect(judge(employed, [at('east', qty('25500', '人'))]).met).toBe(true);
    expect(judge(employed, [at('east', qty('25499', '人'))])).toMatchObject({ met: false, shortfall: '0.0001' });
  });

  it('reports the percent of target and the shortfall', () => {
    expect(judge(stations, [at('east', qty('36.5', '个'))])).toMatchObject({ percent: '50', shortfall: '36.5' });
    expect(judge(stations, [at('east', qty('146', '个'))])).toMatchObject({ percent: '200', met: true, shortfall: '0' });
  });

  it('with no figures there is no value, nothing is met, and all of the target is short', () => {
    expect(judge(stations, [])).toMatchObject({ value: null, met: false, percent: null, shortfall: '73' });
  });
});

describe('approximate (左右: at least target × (1 − tolerance); above the band is exceeded)', () => {
  // 25000 ± 5%: short of 23750 misses; above 26250 is met and exceeded (超额完成, issue 14 #3).
  it.each([
    ['23750', true],
    ['26250', true],
    ['25000', true],
    ['23749.99', false],
    ['26250.01', true],
    ['32500', true],
  ])('%s is met: %s', (value, met) => {
    expect(judge(kindergarten, [at('east', qty(value, '个'))]).met).toBe(met);
  });

  it('is exceeded only above the band', () => {
    const r = (v: string) => rollUp(kindergarten, [at('east', qty(v, '个'))], []);
    expect(exceeds(kindergarten, r('26250'))).toBe(false);
    expect(exceeds(kindergarten, r('26250.01'))).toBe(true);
    expect(exceeds(kindergarten, r('19500'))).toBe(false);
    expect(exceeds(stations, rollUp(stations, [at('east', qty('100', '个'))], []))).toBe(false);
  });

  it('1.95万人次 against "1.5万人次左右" is met and exceeded, not missed', () => {
    const visits: Target = { kind: 'approximate', value: '1.5', unit: '万人次', tolerance: '0.05' };
    const r = rollUp(visits, [at('east', qty('19500', '人次'))], []);
    expect(isMet(visits, r)).toBe(true);
    expect(exceeds(visits, r)).toBe(true);
  });

  it('rolls up as a sum', () => {
    expect(judge(kindergarten, [at('east', qty('12000', '个')), at('west', qty('12500', '个'))])).toMatchObject({
      value: '24500',
      met: true,
      percent: '98',
      shortfall: '0',
    });
  });

  it('the shortfall is the distance to the target; over-delivery has none', () => {
    expect(judge(kindergarten, [at('east', qty('20000', '个'))])).toMatchObject({ met: false, shortfall: '5000', percent: '80' });
    expect(judge(kindergarten, [at('east', qty('30000', '个'))])).toMatchObject({ met: true, shortfall: '0', percent: '120' });
  });
});

describe('progress from the baseline: (value − baseline) / (target − baseline)', () => {
  const meals: Target = { kind: 'share', value: '50', unit: '%', numerator: '有助餐的社区', denominator: '社区' };
  const share = (n: string, d: string) => rollUp(meals, [at('east', { kind: 'ratio', numerator: n, denominator: d })], []);

  it('a share at 42.77% of 50% from a 40% baseline is 27.7% of the way, not 85.5%', () => {
    const r = share('4277', '10000');
    expect(percentOfTarget(meals, r)!.toFixed(1)).toBe('85.5');
    expect(progressFromBaseline(meals, r, dec('40'))!.toFixed(1)).toBe('27.7');
  });

  it('a share or rate without a baseline has no pace; a count starts at 0', () => {
    expect(progressFromBaseline(meals, share('4277', '10000'), null)).toBeNull();
    expect(progressFromBaseline(stations, rollUp(stations, [at('east', qty('36', '个'))], []), null)!.toFixed(2)).toBe('49.32');
  });

  it('a ceiling from its baseline: 40 → 35, at 37.5 is half way; without one, no pace', () => {
    const r = rollUp(pm25, [at('city', qty('37.5', '微克/立方米'))], []);
    expect(progressFromBaseline(pm25, r, dec('40'))!.toFixed()).toBe('50');
    expect(progressFromBaseline(pm25, r, null)).toBeNull();
  });
});

describe('share (ratio of summed numerators over summed denominators)', () => {
  it('a place figure is its own percent', () => {
    expect(decToString(figureValue(coverage, ratio('1', '2'))!)).toBe('50');
    expect(figureValue(coverage, ratio('0', '0'))).toBeNull();
  });

  it('the city is the ratio of sums, not the average of the district percents', () => {
    // District A: 1 of 2 (50%); district B: 90 of 100 (90%). The city has 91 of 102, not 70%.
    const j = judge(coverage, [at('a', ratio('1', '2')), at('b', ratio('90', '100'))]);
    expect(decToString(j.r.numerator!)).toBe('91');
    expect(decToString(j.r.denominator!)).toBe('102');
    expect(j.r.value!.eq(dec(91).dividedBy(102).times(100))).toBe(true);
    expect(decRound(j.r.value!, 1)).toBe('89.2');
    expect(j.r.value!.toFixed(10)).toBe('89.2156862745');
    expect(j.value).not.toBe('70');
    expect(j.met).toBe(true);
    expect(j.r.rule).toBe('ratio of summed 纳入平台的项目 over summed 在建项目 × 100%');
  });

  it('is met at the target percent exactly, and not just below', () => {
    expect(judge(coverage, [at('a', ratio('30', '40')), at('b', ratio('50', '60'))])).toMatchObject({
      value: '80',
      met: true,
      percent: '100',
      shortfall: '0',
    });
    expect(judge(coverage, [at('a', ratio('30', '40')), at('b', ratio('49', '60'))])).toMatchObject({
      value: '79',
      met: false,
      shortfall: '1',
    });
  });

  it('with every denominator zero there is no value', () => {
    expect(judge(coverage, [at('a', ratio('0', '0'))])).toMatchObject({ value: null, met: false, percent: null });
    expect(judge(coverage, [])).toMatchObject({ value: null, met: false });
  });
});

describe('rate (ratio of sums × per)', () => {
  it('3.78 places per 1000 people is exactly 3.78, and met', () => {
    expect(decToString(figureValue(childcare, ratio('378', '100000'))!)).toBe('3.78');
    const j = judge(childcare, [at('a', ratio('100', '60000')), at('b', ratio('278', '40000'))]);
    expect(j).toMatchObject({ value: '3.78', met: true, percent: '100', shortfall: '0' });
    expect(j.r.rule).toBe('ratio of summed 托位数 over summed 常住人口 × 1000');
  });

  it('one place fewer is below the target', () => {
    expect(judge(childcare, [at('a', ratio('377', '100000'))])).toMatchObject({ value: '3.77', met: false, shortfall: '0.01' });
  });

  it('a rate per person (2.53 m² of sports area) is the ratio of sums', () => {
    const sports: Target = { kind: 'rate', value: '2.53', unit: '平方米/人', per: '1', numerator: '面积', denominator: '人口' };
    expect(judge(sports, [at('a', ratio('300', '100')), at('b', ratio('206', '100'))])).toMatchObject({ value: '2.53', met: true });
  });
});

describe('ceiling (PM2.5 ≤ 35)', () => {
  it('is measured once for the city', () => {
    expect(decToString(figureValue(pm25, qty('31.4', '微克/立方米'))!)).toBe('31.4');
    expect(judge(pm25, [at('city', qty('31.4', '微克/立方米'))])).toMatchObject({ value: '31.4', met: true, percent: '100' });
  });

  it('35 is met, 35.1 is not', () => {
    expect(judge(pm25, [at('city', qty('35', '微克/立方米'))])).toMatchObject({ met: true, shortfall: '0', percent: '100' });
    expect(judge(pm25, [at('city', qty('35.1', '微克/立方米'))])).toMatchObject({ met: false, shortfall: '0.1' });
  });

  it('above the ceiling, the percent is ceiling / value', () => {
    expect(judge(pm25, [at('city', qty('40', '微克/立方米'))])).toMatchObject({ percent: '87.5', shortfall: '5' });
  });

  it('several places: the highest counts', () => {
    expect(judge(pm25, [at('a', qty('30', '微克/立方米')), at('b', qty('36', '微克/立方米'))])).toMatchObject({ value: '36', met: false });
  });

  it('with no figure nothing is met and the shortfall is unknown', () => {
    expect(judge(pm25, [])).toMatchObject({ value: null, met: false, shortfall: null, percent: null });
  });
});

describe('milestone (every required place at the final stage)', () => {
  it('a figure is the number of its stage', () => {
    expect(decToString(figureValue(substation, stage('选址'))!)).toBe('1');
    expect(decToString(figureValue(substation, stage('纳规'))!)).toBe('4');
    expect(figureValue(stations, stage('纳规'))).toBeNull();
  });

  it('counts places at each stage', () => {
    const j = judge(substation, [at('a', stage('评审')), at('b', stage('纳规')), at('c', stage('评审'))], ['a', 'b', 'c']);
    expect(j.r.stages).toEqual({ 选址: 0, 可研编制: 0, 评审: 2, 纳规: 1 });
    expect(j.r).toMatchObject({ placesDone: 1, placesRequired: 3 });
  });

  it('is met only when every required place is at the final stage', () => {
    expect(judge(substation, [at('a', stage('纳规')), at('b', stage('评审'))], ['a', 'b'])).toMatchObject({
      met: false,
      percent: '87.5',
      shortfall: '1 places',
    });
    expect(judge(substation, [at('a', stage('纳规')), at('b', stage('纳规'))], ['a', 'b'])).toMatchObject({
      met: true,
      percent: '100',
      shortfall: '0',
    });
  });

  it('a required place with no figure holds it back; a place that is not required does not count', () => {
    expect(judge(substation, [at('a', stage('纳规')), at('x', stage('纳规'))], ['a', 'b'])).toMatchObject({
      met: false,
      percent: '50',
      shortfall: '1 places',
    });
  });

  it('with no required places nothing is met', () => {
    expect(judge(substation, [at('a', stage('纳规'))], []).met).toBe(false);
  });
});

describe('yes/no (yes in every required place)', () => {
  it('a figure is 1 for yes and 0 for no', () => {
    expect(decToString(figureValue(water, flag(true))!)).toBe('1');
    expect(decToString(figureValue(water, flag(false))!)).toBe('0');
  });

  it('is met when every required place says yes', () => {
    expect(judge(water, [at('a', flag(true)), at('b', flag(true))], ['a', 'b'])).toMatchObject({
      met: true,
      percent: '100',
      shortfall: '0',
    });
  });

  it('one "no", or one place that has not answered, is not met', () => {
    expect(judge(water, [at('a', flag(true)), at('b', flag(false))], ['a', 'b'])).toMatchObject({
      met: false,
      percent: '50',
      shortfall: '1 places',
    });
    expect(judge(water, [at('a', flag(true))], ['a', 'b'])).toMatchObject({ met: false, percent: '50' });
  });

  it('the city alone, for a city-level duty', () => {
    expect(judge(water, [at('city', flag(true))], ['city']).met).toBe(true);
  });
});
