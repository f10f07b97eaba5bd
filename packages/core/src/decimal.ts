import Decimal from 'decimal.js';

/**
 * Figures are exact decimals, never JS floats: 2.55万人 is 25,500 people and
 * 3.78 per 1000 stays 3.78. Decimal strings are what events store; Decimal is
 * what arithmetic uses.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = Decimal;

const DECIMAL_PATTERN = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export const isDecimalString = (s: string): boolean => DECIMAL_PATTERN.test(s);

export const dec = (s: string | number): Dec => new Dec(s);

/** Canonical text of a decimal: no exponent, no trailing zeros after the point. */
export const decToString = (d: Dec): string => {
  const fixed = d.toFixed();
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
};

/** Rounds for display only; stored values keep every digit. */
export const decRound = (d: Dec, places: number): string => decToString(d.toDecimalPlaces(places));
