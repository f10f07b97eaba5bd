import { say, shapes } from '../sentences';

/** How a figure is added up from its places, as core/src/kinds/rules.ts and the audit trail (projections) word it. */
const RULES = shapes([
  [/^measured once for the whole scope \(the highest if several places report\)$/, 'rule.ceiling'],
  [/^sum of place figures in (?<unit>.+)$/, 'rule.sum'],
  [/^ratio of summed numerators over summed denominators$/, 'rule.ratioNone'],
  [/^ratio of summed (?<numerator>.+) over summed (?<denominator>.+) × (?<per>\S+)$/, 'rule.ratio'],
  [/^places at each stage; met when all (?<required>\d+) required places reach "(?<final>.*)"$/, 'rule.milestone'],
  [/^yes in every one of the (?<required>\d+) required places$/, 'rule.yesNo'],
  [/^the figure reported for (?<place>.+)$/, 'rule.place'],
]);

/** An audit trail's rule in the reader's language; one no shape knows, as written. */
export const ruleSentence = (rule: string): string => say(RULES, rule) ?? rule;
