import { Dec, dec } from './decimal';

/**
 * A unit as the plan writes it. Every unit maps to a base unit and an exact factor,
 * so 2.55 万人 and 25500 人 are the same figure. Units with the same base are
 * interchangeable in reports; anything else is refused.
 */
export interface UnitDef {
  readonly base: string;
  readonly factor: string;
}

export const UNITS: Readonly<Record<string, UnitDef>> = {
  个: { base: '个', factor: '1' },
  所: { base: '所', factor: '1' },
  户: { base: '户', factor: '1' },
  套: { base: '套', factor: '1' },
  块: { base: '块', factor: '1' },
  座: { base: '座', factor: '1' },
  种: { base: '种', factor: '1' },
  项: { base: '项', factor: '1' },
  人: { base: '人', factor: '1' },
  万人: { base: '人', factor: '10000' },
  人次: { base: '人次', factor: '1' },
  万人次: { base: '人次', factor: '10000' },
  公里: { base: '公里', factor: '1' },
  平方米: { base: '平方米', factor: '1' },
  万平方米: { base: '平方米', factor: '10000' },
  '%': { base: '%', factor: '1' },
  '个/千人': { base: '个/千人', factor: '1' },
  '平方米/人': { base: '平方米/人', factor: '1' },
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

export const baseUnit = (unit: string): string => UNITS[unit]?.base ?? unit;

export type { Dec };
