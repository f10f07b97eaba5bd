import { dec, decRound, isDecimalString } from '@minsheng/core';
import type { View, ViewRow } from './rows';

/** One metric both plans carry (same id), as each plan's city view shows it, and the change. */
export interface ComparedMetric {
  readonly metric: string;
  readonly metricName: string;
  /** The task in each plan: a plan carried over may number it differently. */
  readonly fromTask: number;
  readonly toTask: number;
  readonly unit: string | null;
  readonly fromTarget: string;
  readonly toTarget: string;
  readonly fromValue: string | null;
  readonly toValue: string | null;
  /** toValue − fromValue, when both are numbers in the same unit; else null. */
  readonly change: string | null;
  readonly fromStatus: string;
  readonly toStatus: string;
}

export interface PlanComparison {
  readonly from: { readonly planId: string; readonly asOf: string };
  readonly to: { readonly planId: string; readonly asOf: string };
  readonly knownAt: string;
  readonly metrics: readonly ComparedMetric[];
  /** Metric ids one plan has and the other has not. */
  readonly onlyFrom: readonly string[];
  readonly onlyTo: readonly string[];
}

const numeric = (v: string | null): v is string => v !== null && isDecimalString(v);

/**
 * Year over year: the metrics two plans share (by id), each plan's city figure beside the
 * other's, in the order of the later plan. The change is given only where both figures are
 * numbers in one unit (a target moved to another unit is compared by its targets alone).
 */
export const comparePlans = (from: View, to: View): PlanComparison => {
  const before = new Map<string, ViewRow>(from.rows.map((r) => [r.metric, r]));
  const after = new Set(to.rows.map((r) => r.metric));
  const metrics = to.rows.flatMap((t): ComparedMetric[] => {
    const f = before.get(t.metric);
    if (!f) return [];
    const change = numeric(f.value) && numeric(t.value) && f.unit === t.unit ? decRound(dec(t.value).minus(dec(f.value)), 4) : null;
    return [
      {
        metric: t.metric,
        metricName: t.metricName,
        fromTask: f.task,
        toTask: t.task,
        unit: t.unit,
        fromTarget: f.target,
        toTarget: t.target,
        fromValue: f.value,
        toValue: t.value,
        change,
        fromStatus: f.status,
        toStatus: t.status,
      },
    ];
  });
  return {
    from: { planId: from.planId, asOf: from.asOf },
    to: { planId: to.planId, asOf: to.asOf },
    knownAt: to.knownAt,
    metrics,
    onlyFrom: from.rows.filter((r) => !after.has(r.metric)).map((r) => r.metric),
    onlyTo: to.rows.filter((r) => !before.has(r.metric)).map((r) => r.metric),
  };
};
