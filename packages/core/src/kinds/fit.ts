import { Either, left, right } from 'fp-ts/Either';
import { dec, decToString, isDecimalString, precisionProblem } from '../decimal';
import { baseUnit, isCountUnit, sameBase, toBase } from '../units';
import { kindPhrase } from './words';
import type { Figure, Target } from './schemas';

/** Why a figure does not fit its target's kind, naming the field. */
export interface FigureMismatch {
  readonly field: string;
  readonly reason: string;
}

const mismatch = (field: string, reason: string): Either<FigureMismatch, Figure> => left({ field, reason });

/** Why a count is refused: "0.5" 人 is half a person. */
export const wholeNumberProblem = (value: string, unit: string): string => {
  const base = baseUnit(unit);
  const inBase = base === unit ? '' : ` (${decToString(toBase(dec(value), unit))} ${base})`;
  return `"${value}" ${unit}${inBase} is not a whole number: ${unit} counts people, households or things, so a figure in it is whole`;
};

/** Checks that a figure has the shape its target's kind needs (exact decimals, known stage, same unit base). */
export const fitFigure = (target: Target, figure: Figure): Either<FigureMismatch, Figure> => {
  // Deciders may be called without the schema check in front of them: stay total.
  for (const field of ['value', 'numerator', 'denominator'] as const) {
    const v = (figure as Record<string, unknown>)[field];
    if (typeof v === 'string' && !isDecimalString(v)) return mismatch(field, `"${v}" is not a decimal number`);
    const beyond = typeof v === 'string' ? precisionProblem(v) : null;
    if (beyond) return mismatch(field, beyond);
  }
  switch (target.kind) {
    case 'atLeast':
    case 'approximate':
    case 'ceiling':
      if (figure.kind !== 'quantity')
        return mismatch('value', `${kindPhrase(target.kind)} target in ${target.unit} needs a value, not a ${figure.kind}`);
      if (!sameBase(figure.unit, target.unit))
        return mismatch('unit', `unit ${figure.unit} cannot be converted to the target's unit ${target.unit}`);
      if (isCountUnit(figure.unit) && !toBase(dec(figure.value), figure.unit).isInteger())
        return mismatch('value', wholeNumberProblem(figure.value, figure.unit));
      return right(figure);
    case 'share':
    case 'rate':
      if (figure.kind !== 'ratio')
        return mismatch(
          'denominator',
          `${kindPhrase(target.kind)} target needs a numerator (${target.numerator}) and a denominator (${target.denominator})`,
        );
      if (dec(figure.denominator).isZero()) return mismatch('denominator', 'the denominator must be greater than 0');
      if (target.kind === 'share' && dec(figure.numerator).gt(dec(figure.denominator)))
        return mismatch('numerator', `the numerator ${figure.numerator} exceeds the denominator ${figure.denominator}`);
      return right(figure);
    case 'milestone':
      if (figure.kind !== 'stage') return mismatch('stage', `a milestone target needs a stage (${target.stages.join(' → ')})`);
      if (!target.stages.includes(figure.stage))
        return mismatch('stage', `stage "${figure.stage}" does not exist; stages are ${target.stages.join(' → ')}`);
      return right(figure);
    case 'yesNo':
      if (figure.kind !== 'flag') return mismatch('value', 'a yes/no target needs a yes or no');
      return right(figure);
  }
};
