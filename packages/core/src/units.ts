import { Dec, dec } from './decimal';

/**
 * A unit as the plan writes it. Every unit maps to a base unit and an exact factor,
 * so 2.55 万人 and 25500 人 are the same figure. Units with the same base are
 * interchangeable in reports; anything else is refused.
 */
export interface UnitDef {
  readonly base: string;
  readonly factor: string;
  /** Counts people, households or things: a figure in it is a whole number of its base unit (2.55 万人 is, 0.5 人 is not). */
  readonly counts?: true;
  /** A rate's unit: the `per` of a rate target in it (个/千人: places per 1000 people). */
  readonly per?: string;
}

const count = (name: string): UnitDef => ({ base: name, factor: '1', counts: true });
const measure = (name: string): UnitDef => ({ base: name, factor: '1' });

/**
 * The units built in: the common Chinese counting words and measures. A plan may use any other
 * unit it declares (its `units`, see docs/plan-format.md); 万 before a unit is 10⁴ of it (万元,
 * 万辆), whatever the unit.
 */
export const UNITS: Readonly<Record<string, UnitDef>> = {
  ...Object.fromEntries(
    ['个', '所', '户', '套', '块', '座', '种', '项', '家', '人', '人次', '辆', '张', '名', '台', '条', '间', '处', '艘', '架', '棵', '株', '件', '次', '场', '批', '床', '栋', '幢', '口', '眼', '根'].map(
      (n) => [n, count(n)],
    ),
  ),
  万人: { base: '人', factor: '10000', counts: true },
  万人次: { base: '人次', factor: '10000', counts: true },
  吨: measure('吨'),
  万吨: { base: '吨', factor: '10000' },
  公里: measure('公里'),
  千米: { base: '公里', factor: '1' },
  米: { base: '公里', factor: '0.001' },
  平方米: measure('平方米'),
  万平方米: { base: '平方米', factor: '10000' },
  平方公里: { base: '平方米', factor: '1000000' },
  亩: measure('亩'),
  万亩: { base: '亩', factor: '10000' },
  公顷: { base: '亩', factor: '15' },
  元: measure('元'),
  万元: { base: '元', factor: '10000' },
  亿元: { base: '元', factor: '100000000' },
  立方米: measure('立方米'),
  万立方米: { base: '立方米', factor: '10000' },
  千瓦: measure('千瓦'),
  万千瓦: { base: '千瓦', factor: '10000' },
  '%': measure('%'),
  '个/千人': { base: '个/千人', factor: '1', per: '1000' },
  '平方米/人': { base: '平方米/人', factor: '1', per: '1' },
  '微克/立方米': measure('微克/立方米'),
};

const builtIn = (unit: string): UnitDef | undefined => (Object.prototype.hasOwnProperty.call(UNITS, unit) ? UNITS[unit] : undefined);

/**
 * A unit's base, factor and whether it counts: a built-in one, 万 before any unit (10⁴ of it), or
 * else a unit of the plan's own with no conversion, which is its own base (a plan declares it).
 */
export const unitDef = (unit: string): UnitDef => {
  const known = builtIn(unit);
  if (known) return known;
  if (unit.length > 1 && unit.startsWith('万')) {
    const of = unitDef(unit.slice(1));
    return { ...of, factor: dec(of.factor).times(10000).toFixed() };
  }
  return measure(unit);
};

/** Built in, or 万 before a built-in unit: a plan may use it without declaring it. */
export const isKnownUnit = (unit: string): boolean =>
  builtIn(unit) !== undefined || (unit.length > 1 && unit.startsWith('万') && isKnownUnit(unit.slice(1)));

/** The shape of a unit's text: short, on one line, no digits, spaces or quotes (个, 万元, 微克/立方米). */
export const UNIT_PATTERN = /^[^\s0-9"'“”‘’]{1,16}$/u;

export const sameBase = (a: string, b: string): boolean => unitDef(a).base === unitDef(b).base;

/** The value in its unit's base unit (万人 → 人). */
export const toBase = (value: Dec, unit: string): Dec => value.times(dec(unitDef(unit).factor));

/** Converts a value between two units with the same base. */
// The same unit (nearly every figure of a view) returns the value as it is: × f ÷ f of a figure's
// at most 34 digits is exact at 40 digits of precision, so this is the same value without the work.
export const convert = (value: Dec, from: string, to: string): Dec =>
  from === to ? value : toBase(value, from).dividedBy(dec(unitDef(to).factor));

/** Whether the unit counts people, households or things (whole numbers only). */
export const isCountUnit = (unit: string): boolean => unitDef(unit).counts === true;

/** The `per` a rate in this unit has (个/千人: "1000"), or undefined for a unit that is no rate's. */
export const ratePer = (unit: string): string | undefined => unitDef(unit).per;

export const baseUnit = (unit: string): string => unitDef(unit).base;

export type { Dec };
