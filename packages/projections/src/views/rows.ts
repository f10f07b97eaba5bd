import type { Status } from './status';

/** One row of a view. `unit` is the unit of measure; responsible units are named separately. */
export interface ViewRow {
  readonly task: number;
  readonly taskTitle: string;
  readonly metric: string;
  readonly metricName: string;
  readonly kind: string;
  readonly place: string;
  readonly placeName: string;
  readonly unit: string | null;
  /** The target as people read it, e.g. "≥ 73 个". */
  readonly target: string;
  /** The figure in the target's unit (percent for shares), or null when nothing is reported. */
  readonly value: string | null;
  readonly numerator: string | null;
  readonly denominator: string | null;
  /** Percent of target, one decimal. */
  readonly percent: string | null;
  /** Percent of the way from the baseline to the target (what is compared with the schedule); null: no honest pace. */
  readonly progress: string | null;
  /** Percent of the way the metric's schedule profile expects at this date. */
  readonly scheduled: string | null;
  /** The baseline progress is measured from, in the target's unit, or null (a count starts at 0). */
  readonly baseline: string | null;
  /** The completion deadline's due day. */
  readonly due: string | null;
  /** When met: the latest as-of date of the figures that meet it. */
  readonly metOn: string | null;
  /** District rows without a target of their own: the place's part of the city's sum, in percent. */
  readonly shareOfCity: string | null;
  /** Null where a place's figure has no target of its own (a district's share of a city sum). */
  readonly met: boolean | null;
  /** Places with a figure in force, and places the metric is reported for. */
  readonly placesReported: number;
  readonly placesExpected: number;
  readonly status: Status;
  readonly responsibleUnits: readonly string[];
  /** The latest effective date among the figures in force. */
  readonly reportedAsOf: string | null;
  readonly completionRecorded: boolean;
  /** The day the task's completion is dated, when it is recorded and effective by asOf. */
  readonly completedOn: string | null;
  readonly deadlinesMissed: readonly string[];
}

export interface UnitViewRow extends ViewRow {
  readonly responsibleUnit: string;
  readonly role: 'lead' | 'co-responsible';
}

/** The moment a view describes: figures effective by `asOf`, as the ledger knew them at `knownAt`. */
export interface ViewMoment {
  readonly planId: string;
  readonly asOf: string;
  readonly knownAt: string;
}

export interface View<R extends ViewRow = ViewRow> extends ViewMoment {
  /** How the view is grouped: by task (the city's), per district, per responsible unit. */
  readonly groupBy: 'task' | 'district' | 'unit';
  /** @deprecated use groupBy (the same value; kept so that readers of older output go on working) */
  readonly by: 'task' | 'district' | 'unit';
  readonly rows: readonly R[];
}
