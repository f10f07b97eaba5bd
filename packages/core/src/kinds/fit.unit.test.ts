import { isLeft, right } from 'fp-ts/Either';
import { fitFigure } from './fit';
import type { Figure, Target } from './schemas';

const qty = (value: string, unit: string): Figure => ({ kind: 'quantity', value, unit });
const ratio = (numerator: string, denominator: string): Figure => ({ kind: 'ratio', numerator, denominator });
const stage = (s: string): Figure => ({ kind: 'stage', stage: s });
const flag = (value: boolean): Figure => ({ kind: 'flag', value });

const atLeast: Target = { kind: 'atLeast', value: '2.55', unit: '万人' };
const approximate: Target = { kind: 'approximate', value: '25000', unit: '个', tolerance: '0.05' };
const ceiling: Target = { kind: 'ceiling', value: '35', unit: '微克/立方米' };
const share: Target = { kind: 'share', value: '80', unit: '%', numerator: '纳入平台的项目', denominator: '在建项目' };
const rate: Target = { kind: 'rate', value: '3.78', unit: '个/千人', per: '1000', numerator: '托位数', denominator: '常住人口' };
const milestone: Target = { kind: 'milestone', stages: ['选址', '可研编制', '评审', '纳规'] };
const yesNo: Target = { kind: 'yesNo' };

/** The field and reason fitFigure names, or fails the test if the figure fits. */
const mismatch = (target: Target, figure: Figure) => {
  const r = fitFigure(target, figure);
  if (!isLeft(r)) throw new Error(`expected ${JSON.stringify(figure)} not to fit a ${target.kind} target`);
  return r.left;
};

describe('fitFigure', () => {
  it.each<[string, Target, Figure]>([
    ['atLeast: a quantity in the target unit', atLeast, qty('2.55', '万人')],
    ['atLeast: a quantity in another unit of the same base', atLeast, qty('25500', '人')],
    ['approximate: a quantity', approximate, qty('24000', '个')],
    ['ceiling: a quantity', ceiling, qty('35.1', '微克/立方米')],
    ['share: a ratio', share, ratio('30', '40')],
    ['share: all of the denominator', share, ratio('40', '40')],
    ['share: none of it', share, ratio('0', '40')],
    ['rate: a ratio above one', rate, ratio('1200', '1000')],
    ['milestone: the first stage', milestone, stage('选址')],
    ['milestone: the final stage', milestone, stage('纳规')],
    ['yesNo: yes', yesNo, flag(true)],
    ['yesNo: no', yesNo, flag(false)],
  ])('accepts %s', (_, target, figure) => {
    expect(fitFigure(target, figure)).toEqual(right(figure));
  });

  it.each<[string, Target, Figure]>([
    ['atLeast', atLeast, ratio('1', '2')],
    ['approximate', approximate, stage('选址')],
    ['ceiling', ceiling, flag(true)],
  ])('an %s target needs a quantity: another figure kind is refused on "value"', (_, target, figure) => {
    expect(mismatch(target, figure)).toMatchObject({ field: 'value' });
  });

  it('refuses a unit with another base, naming both units', () => {
    expect(mismatch(atLeast, qty('100', '人次'))).toEqual({
      field: 'unit',
      reason: "unit 人次 cannot be converted to the target's unit 万人",
    });
    expect(mismatch(ceiling, qty('35', '个'))).toMatchObject({ field: 'unit' });
    expect(mismatch(approximate, qty('1', 'furlong'))).toMatchObject({ field: 'unit' });
  });

  it('a share or rate without a numerator and denominator is refused on "denominator", naming both', () => {
    expect(mismatch(share, qty('85', '%'))).toEqual({
      field: 'denominator',
      reason: 'a share target needs a numerator (纳入平台的项目) and a denominator (在建项目)',
    });
    expect(mismatch(rate, qty('3.8', '个/千人'))).toMatchObject({ field: 'denominator' });
  });

  it('refuses a zero denominator', () => {
    expect(mismatch(share, ratio('0', '0'))).toEqual({ field: 'denominator', reason: 'the denominator must be greater than 0' });
    expect(mismatch(rate, ratio('5', '0.0'))).toMatchObject({ field: 'denominator' });
  });

  it('refuses a share whose numerator exceeds its denominator, comparing decimals not strings', () => {
    expect(mismatch(share, ratio('41', '40'))).toEqual({ field: 'numerator', reason: 'the numerator 41 exceeds the denominator 40' });
    // As strings "9" > "10"; as numbers it is not.
    expect(fitFigure(share, ratio('9', '10'))).toEqual(right(ratio('9', '10')));
    expect(mismatch(share, ratio('10.01', '10'))).toMatchObject({ field: 'numerator' });
  });

  it('refuses a stage that does not exist, listing the stages', () => {
    expect(mismatch(milestone, stage('开工'))).toEqual({
      field: 'stage',
      reason: 'stage "开工" does not exist; stages are 选址 → 可研编制 → 评审 → 纳规',
    });
    expect(mismatch(milestone, qty('1', '个'))).toMatchObject({ field: 'stage' });
  });

  it('a yes/no target needs a yes or no', () => {
    expect(mismatch(yesNo, qty('1', '个'))).toEqual({ field: 'value', reason: 'a yes/no target needs a yes or no' });
  });
});
