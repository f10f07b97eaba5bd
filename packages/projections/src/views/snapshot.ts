import { dateIn, type PlanFrame, type TargetSetData } from '@minsheng/core';
import type { ReadModelReader } from '../read-model/rows';
import { metricFigure, type MetricFigure } from './metric-figure';
import type { ViewMoment } from './rows';

export interface Moment {
  readonly planId?: string;
  /** Effective date (YYYY-MM-DD). Default: the date of `knownAt` in the plan's time zone. */
  readonly asOf?: string;
  /** What the ledger had recorded by then. Default: now. */
  readonly knownAt?: Date;
}

/** Everything a view needs at one moment, read once. */
export interface Snapshot {
  readonly moment: ViewMoment;
  readonly frame: PlanFrame;
  readonly metrics: readonly MetricFigure[];
  readonly completed: ReadonlySet<number>;
  /** `${metric}` → deadline ids recorded as missed. */
  readonly missed: ReadonlyMap<string, string[]>;
}

export class NoPlanError extends Error {}

/** An asOf or knownAt that cannot be answered. */
export class InvalidMomentError extends Error {
  constructor(
    readonly field: 'asOf' | 'knownAt',
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const resolvePlanId = async (reader: ReadModelReader, planId?: string): Promise<string> => {
  const ids = await reader.planIds();
  if (planId !== undefined) {
    if (!ids.includes(planId)) throw new NoPlanError(`plan ${planId} is not in the ledger (plans: ${ids.join(', ') || 'none'})`);
    return planId;
  }
  if (ids.length === 0) throw new NoPlanError('the ledger has no plan yet; import one with `minsheng plan import <file>`');
  if (ids.length > 1) throw new NoPlanError(`the ledger holds several plans (${ids.join(', ')}); name one`);
  return ids[0]!;
};

/** Restricts a snapshot to some tasks (the completion policy reads one task, not the plan). */
export interface SnapshotScope {
  readonly tasks?: readonly number[];
  readonly metrics?: readonly string[];
}

export const takeSnapshot = async (reader: ReadModelReader, at: Moment, now: Date, scope: SnapshotScope = {}): Promise<Snapshot> => {
  const planId = await resolvePlanId(reader, at.planId);
  const knownAt = at.knownAt ?? now;
  if (Number.isNaN(knownAt.getTime())) throw new InvalidMomentError('knownAt', 'is not a valid time');
  const frameRec = await reader.frame(planId, knownAt.getTime());
  if (!frameRec) throw new InvalidMomentError('knownAt', `${knownAt.toISOString()} is before plan ${planId} was recorded`);
  const frame = frameRec.data;
  const asOf = at.asOf ?? dateIn(knownAt, frame.timeZone);
  if (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)) || new Date(asOf).toISOString().slice(0, 10) !== asOf)
    throw new InvalidMomentError('asOf', `"${asOf}" is not a date written YYYY-MM-DD`);
  const targets: TargetSetData[] = (await reader.targets(planId, knownAt.getTime(), scope.metrics))
    .map((t) => t.data)
    .filter((t) => scope.tasks === undefined || scope.tasks.includes(t.task.number));
  const metrics = await Promise.all(
    targets.map(async (t) =>
      metricFigure(frame, t, await reader.effectiveFigures(planId, t.metric.id, { asOf, knownAt: knownAt.getTime() }), asOf),
    ),
  );
  const completed = new Set((await reader.completions(planId, knownAt.getTime())).map((c) => c.data.task));
  const missed = new Map<string, string[]>();
  for (const m of await reader.missed(planId, knownAt.getTime()))
    missed.set(m.data.metric, [...(missed.get(m.data.metric) ?? []), m.data.deadline]);
  return { moment: { planId, asOf, knownAt: knownAt.toISOString() }, frame, metrics, completed, missed };
};
