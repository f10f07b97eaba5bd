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

/**
 * The precision of a figure: at most 24 digits before the decimal point and 10 after it.
 * Arithmetic keeps 40 significant digits, so every sum of figures stays exact: 24 + 10
 * digits, 4 more for a unit conversion (万 is × 10,000) and 2 for adding up to 100 places.
 * A figure beyond it is refused, never rounded.
 */
export const FIGURE_INTEGER_DIGITS = 24;
export const FIGURE_FRACTION_DIGITS = 10;

/** Why a decimal string is beyond a figure's precision, or null when it is within it. */
export const precisionProblem = (s: string): string | null => {
  const [whole = '', fraction = ''] = s.replace(/^-/, '').split('.');
  const show = s.length > 40 ? `${s.slice(0, 20)}…${s.slice(-8)}` : s;
  if (whole.length > FIGURE_INTEGER_DIGITS)
    return `"${show}" has ${whole.length} digits before the decimal point; a figure has at most ${FIGURE_INTEGER_DIGITS} (and ${FIGURE_FRACTION_DIGITS} after it), so that sums stay exact`;
  if (fraction.length > FIGURE_FRACTION_DIGITS)
    return `"${show}" has ${fraction.length} digits after the decimal point; a figure has at most ${FIGURE_FRACTION_DIGITS} (and ${FIGURE_INTEGER_DIGITS} before it), so that sums stay exact`;
  return null;
};

export const dec = (s: string | number): Dec => new Dec(s);

/** Canonical text of a decimal: no exponent, no trailing zeros after the point. */
export const decToString = (d: Dec): string => {
  const fixed = d.toFixed();
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
};

/** Rounds for display only; stored values keep every digit. */
export const decRound = (d: Dec, places: number): string => decToString(d.toDecimalPlaces(places));
