import type { LedgerError } from '../errors';
import { baseUnit } from '../units';
import type { TargetSetData } from './task';

/** One change of a target revision that makes the figures already reported mean something else. */
export interface Reinterpretation {
  readonly metric: string;
  /** What changed: the target's kind, its unit's base, its level, a share's or rate's numerator or denominator, or its stages. */
  readonly change: 'kind' | 'unit base' | 'level' | 'numerator' | 'denominator' | 'stages';
  readonly from: string;
  readonly to: string;
}

const quote = (s: string) => `"${s}"`;

/**
 * What a revision of a metric's target changes in how its stored figures are read. A report
 * stores its figure as given (a quantity in a unit, a numerator and denominator, a stage, yes or
 * no) and is read through the target in force: a revision that changes the kind (atLeast → share),
 * the unit's base (户 → 个; 人 → 万人 keeps it: figures are converted exactly), the level
 * (district ↔ city), what a share's or rate's numerator or denominator counts, or the stages a
 * milestone's figures name (other than adding stages after the last) reinterprets every figure
 * reported. Anything else (the value, tolerance, per, the unit within its base, names, places,
 * deadlines, responsible units) changes what the figures are measured against, not what they are.
 */
export const reinterpretations = (from: TargetSetData, to: TargetSetData): Reinterpretation[] => {
  const metric = to.metric.id;
  const a = from.target;
  const b = to.target;
  const out: Reinterpretation[] = [];
  const changed = (change: Reinterpretation['change'], x: string, y: string) => {
    if (x !== y) out.push({ metric, change, from: x, to: y });
  };
  changed('level', from.metric.level, to.metric.level);
  if (a.kind !== b.kind) {
    changed('kind', a.kind, b.kind);
    return out;
  }
  if ('unit' in a && 'unit' in b) changed('unit base', baseUnit(a.unit), baseUnit(b.unit));
  if ((a.kind === 'share' || a.kind === 'rate') && (b.kind === 'share' || b.kind === 'rate')) {
    changed('numerator', quote(a.numerator), quote(b.numerator));
    changed('denominator', quote(a.denominator), quote(b.denominator));
  }
  if (a.kind === 'milestone' && b.kind === 'milestone' && a.stages.some((s, i) => b.stages[i] !== s))
    changed('stages', a.stages.join(' → '), b.stages.join(' → '));
  return out;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A plan import refused because it revises targets in a way that reinterprets reports already
 * in force; each entry with the number of reports (not retracted) recorded under the old target.
 */
export const targetRevisionRefused = (refused: readonly (Reinterpretation & { readonly reports: number })[]): LedgerError => ({
  _tag: 'TargetRevisionRefused',
  revisions: refused,
  code: 'target.revisionBehind',
  fields: {},
  message:
    `the plan changes targets that reports were recorded under: ${refused
      .map((r) => `${r.metric} changes its ${r.change} from ${r.from} to ${r.to} (${plural(r.reports, 'report')} recorded under ${r.from})`)
      .join('; ')}; ` + 'give the new target a new metric id, or retract those reports first; nothing was imported',
});
