import { Dec, dec, decToString } from '../decimal';
import { convert } from '../units';
import type { Figure, Target } from './schemas';

/** One place's latest figure, as a roll-up consumes it. */
export interface PlaceFigure {
  readonly place: string;
  readonly figure: Figure;
}

/**
 * The city-level figure of a metric and how it was combined. `value` is in the
 * target's unit (percent for shares). Shares and rates keep the summed numerator
 * and denominator: the city ratio is the ratio of sums, never an average of ratios.
 */
export interface RolledUp {
  readonly value: Dec | null;
  readonly numerator?: Dec;
  readonly denominator?: Dec;
  /** Milestones: how many places stand at each stage. */
  readonly stages?: Readonly<Record<string, number>>;
  /** Milestones and yes/no: places that reached the final stage / said yes, of those required. */
  readonly placesDone?: number;
  readonly placesRequired?: number;
  /** The rule that combined the place figures, in words an auditor reads. */
  readonly rule: string;
}

const sum = (xs: Dec[]): Dec => xs.reduce((a, b) => a.plus(b), dec(0));

/** The value of one figure in the target's unit. */
export const figureValue = (target: Target, figure: Figure): Dec | null => {
  switch (figure.kind) {
    case 'quantity':
      return 'unit' in target ? convert(dec(figure.value), figure.unit, target.unit) : dec(figure.value);
    case 'ratio': {
      const n = dec(figure.numerator);
      const d = dec(figure.denominator);
      if (d.isZero()) return null;
      const scale = target.kind === 'rate' ? dec(target.per) : dec(100);
      return n.dividedBy(d).times(scale);
    }
    case 'stage':
      return target.kind === 'milestone' ? dec(target.stages.indexOf(figure.stage) + 1) : null;
    case 'flag':
      return dec(figure.value ? 1 : 0);
  }
};

/**
 * Combines place figures into one figure for the whole scope.
 * `required` names the places a milestone or yes/no target must reach everywhere.
 */
export const rollUp = (target: Target, figures: readonly PlaceFigure[], required: readonly string[]): RolledUp => {
  switch (target.kind) {
    case 'atLeast':
    case 'approximate':
    case 'ceiling': {
      const values = figures.map((f) => figureValue(target, f.figure)).filter((v): v is Dec => v !== null);
      if (target.kind === 'ceiling')
        return {
          value: values.length === 1 ? values[0]! : values.length === 0 ? null : Dec.max(...values),
          rule: 'measured once for the whole scope (the highest if several places report)',
        };
      return { value: values.length ? sum(values) : null, rule: `sum of place figures in ${target.unit}` };
    }
    case 'share':
    case 'rate': {
      const ratios = figures.flatMap((f) => (f.figure.kind === 'ratio' ? [f.figure] : []));
      if (!ratios.length) return { value: null, rule: 'ratio of summed numerators over summed denominators' };
      const numerator = sum(ratios.map((r) => dec(r.numerator)));
      const denominator = sum(ratios.map((r) => dec(r.denominator)));
      const scale = target.kind === 'rate' ? dec(target.per) : dec(100);
      return {
        value: denominator.isZero() ? null : numerator.dividedBy(denominator).times(scale),
        numerator,
        denominator,
        rule: `ratio of summed ${target.numerator} over summed ${target.denominator}${
          target.kind === 'rate' ? ` × ${target.per}` : ' × 100%'
        }`,
      };
    }
    case 'milestone': {
      const stages: Record<string, number> = Object.fromEntries(target.stages.map((s) => [s, 0]));
      const final = target.stages[target.stages.length - 1]!;
      const at = new Map(figures.flatMap((f) => (f.figure.kind === 'stage' ? [[f.place, f.figure.stage] as const] : [])));
      for (const s of at.values()) stages[s] = (stages[s] ?? 0) + 1;
      const placesDone = required.filter((p) => at.get(p) === final).length;
      return {
        value: figures.length ? dec(placesDone) : null,
        stages,
        placesDone,
        placesRequired: required.length,
        rule: `places at each stage; met when all ${required.length} required places reach "${final}"`,
      };
    }
    case 'yesNo': {
      const said = new Map(figures.flatMap((f) => (f.figure.kind === 'flag' ? [[f.place, f.figure.value] as const] : [])));
      const placesDone = required.filter((p) => said.get(p) === true).length;
      return {
        value: figures.length ? dec(placesDone) : null,
        placesDone,
        placesRequired: required.length,
        rule: `yes in every one of the ${required.length} required places`,
      };
    }
  }
};

/** The band of an approximate (左右) target: its value ± its relative tolerance (none given: exact). */
export const approximateBand = (target: Extract<Target, { kind: 'approximate' }>): { low: Dec; high: Dec } => {
  const t = dec(target.value);
  const tol = dec(target.tolerance ?? '0');
  return { low: t.minus(t.times(tol)), high: t.plus(t.times(tol)) };
};

/** An approximate (左右) target delivered above its band: met, and shown as exceeded. */
export const exceeds = (target: Target, r: RolledUp): boolean =>
  target.kind === 'approximate' && r.value !== null && r.value.gt(approximateBand(target).high);

/**
 * How far a figure has come from its baseline toward its target, in percent:
 * (value − baseline) / (target − baseline). A count starts from 0 when no baseline is given;
 * a share or rate without a baseline has no honest pace (null). Ceilings with a baseline:
 * (baseline − value) / (baseline − target). Milestones and yes/no: percent of target.
 */
export const progressFromBaseline = (
  target: Target,
  r: RolledUp,
  baseline: Dec | null,
  figures: readonly PlaceFigure[] = [],
  required: readonly string[] = [],
): Dec | null => {
  if (r.value === null) return null;
  switch (target.kind) {
    case 'atLeast':
    case 'approximate':
    case 'share':
    case 'rate': {
      if (baseline === null && (target.kind === 'share' || target.kind === 'rate')) return null;
      const b = baseline ?? dec(0);
      const span = dec(target.value).minus(b);
      return span.lte(0) ? dec(100) : r.value.minus(b).dividedBy(span).times(100);
    }
    case 'ceiling': {
      if (baseline === null) return null;
      const span = baseline.minus(dec(target.value));
      return span.lte(0) ? dec(100) : baseline.minus(r.value).dividedBy(span).times(100);
    }
    case 'milestone':
    case 'yesNo':
      return percentOfTarget(target, r, figures, required);
  }
};

/** Whether a rolled-up figure meets its target. */
export const isMet = (target: Target, r: RolledUp): boolean => {
  switch (target.kind) {
    case 'atLeast':
    case 'share':
    case 'rate':
      return r.value !== null && r.value.gte(dec(target.value));
    case 'approximate':
      // 左右: falling short of the band misses; over-delivery is met (超额完成, see `exceeds`).
      return r.value !== null && r.value.gte(approximateBand(target).low);
    case 'ceiling':
      return r.value !== null && r.value.lte(dec(target.value));
    case 'milestone':
    case 'yesNo':
      return r.placesRequired !== undefined && r.placesRequired > 0 && r.placesDone === r.placesRequired;
  }
};

/**
 * Percent of target reached. Counts, shares and rates: value / target. Ceilings:
 * 100 when at or below the ceiling, otherwise ceiling / value. Milestones: the mean
 * share of stages passed over the required places. Yes/no: share of places saying yes.
 */
export const percentOfTarget = (
  target: Target,
  r: RolledUp,
  figures: readonly PlaceFigure[] = [],
  required: readonly string[] = [],
): Dec | null => {
  if (r.value === null) return null;
  switch (target.kind) {
    case 'atLeast':
    case 'approximate':
    case 'share':
    case 'rate': {
      const t = dec(target.value);
      return t.isZero() ? dec(100) : r.value.dividedBy(t).times(100);
    }
    case 'ceiling':
      return r.value.lte(dec(target.value)) ? dec(100) : dec(target.value).dividedBy(r.value).times(100);
    case 'milestone': {
      if (!r.placesRequired) return null;
      const at = new Map(figures.flatMap((f) => (f.figure.kind === 'stage' ? [[f.place, f.figure.stage] as const] : [])));
      const reached = required.reduce((acc, p) => acc + target.stages.indexOf(at.get(p) ?? '') + 1, 0);
      return dec(reached).dividedBy(dec(target.stages.length * r.placesRequired)).times(100);
    }
    case 'yesNo':
      return r.placesRequired ? dec(r.placesDone ?? 0).dividedBy(r.placesRequired).times(100) : null;
  }
};

/** How far a rolled-up figure falls short of its target, in the target's unit (0 when met). */
export const shortfall = (target: Target, r: RolledUp): string | null => {
  if (isMet(target, r)) return '0';
  switch (target.kind) {
    case 'atLeast':
    case 'approximate':
    case 'share':
    case 'rate':
      return decToString(dec(target.value).minus(r.value ?? dec(0)));
    case 'ceiling':
      return r.value === null ? null : decToString(r.value.minus(dec(target.value)));
    case 'milestone':
    case 'yesNo':
      return `${(r.placesRequired ?? 0) - (r.placesDone ?? 0)} places`;
  }
};
