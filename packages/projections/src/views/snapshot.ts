import { dateIn, type PlanFrame, type ReasonCode, type ReasonFields, type TargetSetData } from '@minsheng/core';
import { tryCatch, type TaskEither } from 'fp-ts/TaskEither';
import { toQueryFailure, type QueryFailure } from '../failure';
import type { ReadModelReader, Recorded } from '../read-model/rows';
import { metricFigure, type MetricFigure } from './metric-figure';
import type { ViewMoment } from './rows';

export interface Moment {
  readonly planId?: string;
  /**
   * Effective date (YYYY-MM-DD). Default: the date of `knownAt` in the plan's time zone. A
   * calendar day in the plan's time zone, not an instant: so a string, never a Date.
   */
  readonly asOf?: string;
  /**
   * What the ledger had recorded by then: a Date, or an ISO 8601 time with its UTC offset
   * (2024-10-01T09:00:00+08:00). Default: now.
   */
  readonly knownAt?: Date | string;
}

/** Everything a view needs at one moment, read once. */
export interface Snapshot {
  readonly moment: ViewMoment;
  readonly frame: PlanFrame;
  readonly metrics: readonly MetricFigure[];
  /** Task → the day its completion is dated, for completions effective by asOf. */
  readonly completed: ReadonlyMap<number, string>;
  /** `${metric}` → deadline ids recorded as missed. */
  readonly missed: ReadonlyMap<string, string[]>;
}

/** A plan the question names (or leaves out) that the ledger cannot answer for; `code` and `fields` say which. */
export class NoPlanError extends Error {
  constructor(
    message: string,
    readonly code: ReasonCode,
    readonly fields: ReasonFields,
  ) {
    super(message);
  }
}

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
/** A time with a UTC offset: without one, JavaScript reads a date as UTC and a time as local. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** knownAt as a Date, whichever way it was given (throwing InvalidMomentError as a snapshot would). */
export const instant = (knownAt: Date | string): Date => {
  if (typeof knownAt === 'string' && !INSTANT.test(knownAt))
    throw new InvalidMomentError('knownAt', `"${knownAt}" is not a time with its UTC offset, e.g. 2024-10-01T09:00:00+08:00`);
  const at = typeof knownAt === 'string' ? new Date(knownAt) : knownAt;
  if (Number.isNaN(at.getTime())) throw new InvalidMomentError('knownAt', `${typeof knownAt === 'string' ? `"${knownAt}"` : 'the date'} is not a valid time`);
  return at;
};

export const resolvePlanId = async (reader: ReadModelReader, planId?: string): Promise<string> => {
  const ids = await reader.planIds();
  if (planId !== undefined) {
    if (!ids.includes(planId)) throw new NoPlanError(`plan ${planId} is not in the ledger (plans: ${ids.join(', ') || 'none'})`, 'plan.unknown', { plan: planId, plans: ids });
    return planId;
  }
  if (ids.length === 0) throw new NoPlanError('the ledger has no plan yet; import one with `minsheng plan import <file>`', 'plan.none', {});
  if (ids.length > 1) throw new NoPlanError(`the ledger holds several plans (${ids.join(', ')}); name one`, 'plan.several', { plans: ids });
  return ids[0]!;
};

/**
 * The plan asked about (refused as resolvePlanId refuses) and its frame as recorded at `at` (ms),
 * null before the plan was recorded. A named plan's frame is read first: found, the plan is in the
 * ledger and the list of plans is not read (a round trip fewer on PostgreSQL, where a view is
 * round trips). The ledger resolves a query's frame with it, and a snapshot its own.
 */
export const planFrameAt = async (reader: ReadModelReader, planId: string | undefined, at: number): Promise<{ planId: string; record: Recorded<PlanFrame> | null }> => {
  const named = planId !== undefined ? await reader.frame(planId, at) : null;
  if (named) return { planId: planId!, record: named };
  const id = await resolvePlanId(reader, planId);
  return { planId: id, record: await reader.frame(id, at) };
};

/** Restricts a snapshot to some tasks (the completion policy reads one task, not the plan). */
export interface SnapshotScope {
  readonly tasks?: readonly number[];
  readonly metrics?: readonly string[];
  /**
   * The plan's frame as the caller read it at `readAt` (the ledger resolves it before the
   * snapshot): taken instead of reading it again when the moment's knownAt falls between the
   * frame's recorded time and `readAt`, where no later revision can be known.
   */
  readonly frame?: KnownFrame;
}

/** A plan's frame as read from the read model at `readAt` (ms). */
export interface KnownFrame {
  readonly planId: string;
  readonly record: Recorded<PlanFrame>;
  readonly readAt: number;
}

/** The plan asked about and its frame as known at `knownAt`, throwing as resolvePlanId would first, then the moment's own error. */
const planAt = async (reader: ReadModelReader, at: Moment, now: Date, known?: KnownFrame): Promise<{ planId: string; knownAt: Date; frame: PlanFrame }> => {
  let knownAt: Date | undefined;
  let invalid: unknown;
  try {
    knownAt = instant(at.knownAt ?? now);
  } catch (e) {
    invalid = e;
  }
  const k = knownAt?.getTime();
  if (known && known.planId === at.planId && k !== undefined && known.record.recordedAt <= k && k <= known.readAt)
    return { planId: known.planId, knownAt: knownAt!, frame: known.record.data };
  if (!knownAt) {
    await resolvePlanId(reader, at.planId);
    throw invalid;
  }
  const { planId, record } = await planFrameAt(reader, at.planId, knownAt.getTime());
  if (!record) throw new InvalidMomentError('knownAt', `${knownAt.toISOString()} is before plan ${planId} was recorded`);
  return { planId, knownAt, frame: record.data };
};

/** Everything a view needs at one moment (throwing NoPlanError, InvalidMomentError: the package's own step; users call takeSnapshot). */
export const readSnapshot = async (reader: ReadModelReader, at: Moment, now: Date, scope: SnapshotScope = {}): Promise<Snapshot> => {
  const { planId, knownAt, frame } = await planAt(reader, at, now, scope.frame);
  const asOf = at.asOf ?? dateIn(knownAt, frame.timeZone);
  if (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)) || new Date(asOf).toISOString().slice(0, 10) !== asOf)
    throw new InvalidMomentError('asOf', `"${asOf}" is not a date written YYYY-MM-DD`);
  // The notes do not depend on the targets: on PostgreSQL the three go out together.
  const [targetRows, completions, missedRows] = await Promise.all([
    reader.targets(planId, knownAt.getTime(), scope.metrics),
    reader.completions(planId, knownAt.getTime()),
    reader.missed(planId, knownAt.getTime()),
  ]);
  const targets: TargetSetData[] = targetRows.map((t) => t.data).filter((t) => scope.tasks === undefined || scope.tasks.includes(t.task.number));
  const metrics = await Promise.all(
    targets.map(async (t) => {
      const m = metricFigure(frame, t, await reader.effectiveFigures(planId, t.metric.id, { asOf, knownAt: knownAt.getTime() }), asOf);
      // Met on figures dated after the deadline: late, unless it was met on the due day already.
      if (!m.met || m.due === undefined || m.metOn === null || m.metOn <= m.due) return m;
      const atDue = metricFigure(frame, t, await reader.effectiveFigures(planId, t.metric.id, { asOf: m.due, knownAt: knownAt.getTime() }), m.due);
      return atDue.met ? m : metricFigure(frame, t, m.versions, asOf, true);
    }),
  );
  // Notes obey both axes: recorded by knownAt (the reader's filter) and effective by asOf — a
  // completion dated after asOf, or a deadline not yet passed on asOf, is not in the view.
  const completed = new Map(completions.filter((c) => c.data.completedOn <= asOf).map((c) => [c.data.task, c.data.completedOn] as const));
  const missed = new Map<string, string[]>();
  for (const m of missedRows) if (m.data.due < asOf) missed.set(m.data.metric, [...(missed.get(m.data.metric) ?? []), m.data.deadline]);
  return { moment: { planId, asOf, knownAt: knownAt.toISOString() }, frame, metrics, completed, missed };
};

/**
 * Everything a view needs at one moment: a failure is a Left, never a throw (UnknownPlan,
 * InvalidInput naming asOf or knownAt, or the read model's failure).
 */
export const takeSnapshot = (reader: ReadModelReader, at: Moment, now: Date, scope: SnapshotScope = {}): TaskEither<QueryFailure, Snapshot> =>
  tryCatch(() => readSnapshot(reader, at, now, scope), toQueryFailure);
