import { dec, decRound, type Dec, type Figure, type Target } from '@minsheng/core';

/** The target as people read it: "≥ 73 个", "≈ 25000 个 (±5%)", "≤ 35 微克/立方米". */
export const targetText = (t: Target): string => {
  switch (t.kind) {
    case 'atLeast':
      return `≥ ${t.value} ${t.unit}`;
    case 'approximate':
      return t.tolerance === undefined ? `≈ ${t.value} ${t.unit}` : `≈ ${t.value} ${t.unit} (±${decRound(dec(t.tolerance).times(100), 2)}%)`;
    case 'share':
      return `≥ ${t.value}%`;
    case 'rate':
      return `≥ ${t.value} ${t.unit}`;
    case 'ceiling':
      return `≤ ${t.value} ${t.unit}`;
    case 'milestone':
      return `stage ${t.stages[t.stages.length - 1]}`;
    case 'yesNo':
      return 'yes';
  }
};

export const measureUnit = (t: Target): string | null => ('unit' in t ? t.unit : t.kind === 'milestone' ? 'places' : null);

/** A figure as reported: "12 公里", "45/50", "评审", "yes". */
export const figureText = (f: Figure): string => {
  switch (f.kind) {
    case 'quantity':
      return `${f.value} ${f.unit}`;
    case 'ratio':
      return `${f.numerator}/${f.denominator}`;
    case 'stage':
      return f.stage;
    case 'flag':
      return f.value ? 'yes' : 'no';
  }
};

/** Values are shown to 4 decimal places at most; stored figures keep every digit. */
export const valueText = (d: Dec | null): string | null => (d === null ? null : decRound(d, 4));
/**
 * A shortfall as people read it: a decimal to 4 places like the value it is measured from
 * ("0.0617", not the 40 digits of a share's exact quotient), unless that would round it to nothing;
 * words ("2 places", "no report") as they are.
 */
export const shortfallText = (s: string | null): string | null => {
  if (s === null || !/^-?\d+\.\d{5,}$/.test(s)) return s;
  const rounded = decRound(dec(s), 4);
  return dec(rounded).isZero() ? s : rounded;
};
export const percentText = (d: Dec | null): string | null => (d === null ? null : decRound(d, 1));
