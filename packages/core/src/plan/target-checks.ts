import { dec, isDecimalString, precisionProblem } from '../decimal';
import { wholeNumberProblem } from '../kinds/fit';
import { isCountUnit, isKnownUnit, ratePer, toBase } from '../units';

/** One problem of a metric's target: the field under `target` it is about, and why. */
export interface TargetProblem {
  readonly field: string;
  readonly reason: string;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
/** A decimal string the schema accepts, or undefined (the schema reports the others). */
const decimalAt = (target: Record<string, unknown>, field: string): string | undefined => {
  const s = str(target[field]);
  return s !== undefined && isDecimalString(s) ? s : undefined;
};

/**
 * What a target's schema cannot check: figures within a figure's precision, whole counts,
 * a share within 100%, a tolerance that is a fraction, a rate in a rate's unit with its `per`,
 * stages listed once. Reads the raw document, so it runs even when the schema failed elsewhere.
 */
export const targetProblems = (target: Record<string, unknown>): TargetProblem[] => {
  const problems: TargetProblem[] = [];
  const add = (field: string, reason: string) => problems.push({ field, reason });
  for (const field of ['value', 'tolerance', 'per']) {
    const s = decimalAt(target, field);
    const beyond = s === undefined ? null : precisionProblem(s);
    if (beyond) add(field, beyond);
  }
  if (problems.length) return problems;

  const value = decimalAt(target, 'value');
  const unit = str(target.unit);
  switch (target.kind) {
    case 'milestone': {
      const stages = Array.isArray(target.stages) ? target.stages : [];
      if (new Set(stages).size !== stages.length) add('stages', 'a stage is listed twice');
      break;
    }
    case 'share':
      if (value !== undefined && dec(value).gt(100)) add('value', `a share is a percent and cannot exceed 100 (got ${value})`);
      break;
    case 'approximate': {
      const tolerance = decimalAt(target, 'tolerance');
      if (tolerance !== undefined && !(dec(tolerance).gt(0) && dec(tolerance).lt(1)))
        add('tolerance', `"${tolerance}" is not a fraction between 0 and 1: the tolerance is relative, "0.05" for ±5% (so "${tolerance}" would be ±${dec(tolerance).times(100).toFixed()}%)`);
      break;
    }
    case 'rate': {
      const per = decimalAt(target, 'per');
      if (per !== undefined && dec(per).isZero()) add('per', 'must be greater than 0 (e.g. "1000" for a rate per 1000 people)');
      else if (unit !== undefined && isKnownUnit(unit)) {
        const expected = ratePer(unit);
        if (expected === undefined)
          add('unit', `"${unit}" is not a rate's unit: a rate is counted per so many people, in 个/千人 (per "1000") or 平方米/人 (per "1")`);
        else if (per !== undefined && !dec(per).eq(dec(expected)))
          add('per', `a rate in ${unit} has per "${expected}", not "${per}"`);
      }
      break;
    }
  }
  if (['atLeast', 'approximate', 'ceiling'].includes(String(target.kind)) && value !== undefined && unit !== undefined)
    if (isCountUnit(unit) && !toBase(dec(value), unit).isInteger()) add('value', wholeNumberProblem(value, unit));
  return problems;
};
