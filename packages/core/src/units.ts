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

export const UNITS: Readonly<Record<string, UnitDef>> = {
  个: { base: '个', factor: '1', counts: true },
  所: { base: '所', factor: '1', counts: true },
  户: { base: '户', factor: '1', counts: true },
  套: { base: '套', factor: '1', counts: true },
  块: { base: '块', factor: '1', counts: true },
  座: { base: '座', factor: '1', counts: true },
  种: { base: '种', factor: '1', counts: true },
  项: { base: '项', factor: '1', counts: true },
  家: { base: '家', factor: '1', counts: true },
  人: { base: '人', factor: '1', counts: true },
  万人: { base: '人', factor: '10000', counts: true },
  人次: { base: '人次', factor: '1', counts: true },
  万人次: { base: '人次', factor: '10000', counts: true },
  公里: { base: '公里', factor: '1' },
  平方米: { base: '平方米', factor: '1' },
  万平方米: { base: '平方米', factor: '10000' },
  '%': { base: '%', factor: '1' },
  '个/千人': { base: '个/千人', factor: '1', per: '1000' },
  '平方米/人': { base: '平方米/人', factor: '1', per: '1' },
  '微克/立方米': { base: '微克/立方米', factor: '1' },
};

export const isKnownUnit = (unit: string): boolean => Object.prototype.hasOwnProperty.call(UNITS, unit);

export const sameBase = (a: string, b: string): boolean =>
  isKnownUnit(a) && isKnownUnit(b) && UNITS[a]!.base === UNITS[b]!.base;

/** The value in its unit's base unit (万人 → 人). */
export const toBase = (value: Dec, unit: string): Dec => value.times(dec(UNITS[unit]?.factor ?? '1'));

/** Converts a value between two units with the same base. */
export const convert = (value: Dec, from: string, to: string): Dec =>
  toBase(value, from).dividedBy(dec(UNITS[to]?.factor ?? '1'));

/** Whether the unit counts people, households or things (whole numbers only). */
export const isCountUnit = (unit: string): boolean => UNITS[unit]?.counts === true;

/** The `per` a rate in this unit has (个/千人: "1000"), or undefined for a unit that is no rate's. */
export const ratePer = (unit: string): string | undefined => UNITS[unit]?.per;

export const baseUnit = (unit: string): string => UNITS[unit]?.base ?? unit;

export type { Dec };
