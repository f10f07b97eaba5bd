import type { AppliedAt } from './projection';
import type { Figure, LedgerEventData, PlanFrame, Source, TargetSetData } from '@minsheng/core';

/** One version of a reported figure: the report itself, or a correction of it. */
export interface FigureVersion {
  readonly eventId: string;
  readonly kind: 'report' | 'correction';
  /** The report this version belongs to (itself for a report). */
  readonly reportId: string;
  readonly position: number;
  readonly planId: string;
  readonly task: number;
  readonly metric: string;
  readonly place: string;
  readonly asOf: string;
  /** Epoch milliseconds of metadata.recordedAt. */
  readonly recordedAt: number;
  readonly figure: Figure;
  readonly unit: string | null;
  readonly person: string | null;
  readonly source: Source | null;
  readonly reason: string | null;
  readonly hash: string;
}

export interface Retraction {
  readonly eventId: string;
  readonly reportId: string;
  readonly position: number;
  readonly recordedAt: number;
  readonly reason: string;
  readonly unit: string | null;
  readonly person: string | null;
  readonly hash: string;
}

export interface Recorded<D> {
  readonly eventId: string;
  readonly position: number;
  readonly recordedAt: number;
  readonly hash: string;
  readonly data: D;
}

/** What an as-of query asks: figures effective on or before `asOf`, as known at `knownAt`. */
export interface AsOf {
  /** YYYY-MM-DD; figures whose effective date is later are not counted. */
  readonly asOf: string;
  /** Epoch milliseconds; events recorded later are not known. */
  readonly knownAt: number;
}

/**
 * The read side of the ledger index, one implementation per read-model engine.
 * Every figure and view is computed from these, so each has a full audit trail.
 */
/** A projection's progress and who is running it. */
export interface ProjectionState {
  readonly projection: string;
  readonly checkpoint: number;
  readonly updatedAt: string | null;
  readonly owner: string | null;
  /** Epoch milliseconds; a lease in the past is free to take. */
  readonly leaseExpiresAt: number | null;
}

export interface ReadModelReader {
  checkpoint(projection?: string): Promise<number>;
  projections(): Promise<ProjectionState[]>;
  planIds(): Promise<string[]>;
  frame(planId: string, knownAt: number): Promise<Recorded<PlanFrame> | null>;
  /** The current target of each metric (or of the named metrics) as known at `knownAt`. */
  targets(planId: string, knownAt: number, metrics?: readonly string[]): Promise<Recorded<TargetSetData>[]>;
  /** For each place of the metric, the version in force (see docs/concepts.md), if any. */
  effectiveFigures(planId: string, metric: string, at: AsOf): Promise<FigureVersion[]>;
  /** Every version and retraction of a metric's figures (one place, or all), in log order. */
  history(planId: string, metric: string, place: string | null): Promise<{ versions: FigureVersion[]; retractions: Retraction[] }>;
  /** Every version and retraction of the given reports, in log order: the events behind figures in force. */
  reports(reportIds: readonly string[]): Promise<{ versions: FigureVersion[]; retractions: Retraction[] }>;
  completions(planId: string, knownAt: number): Promise<Recorded<LedgerEventData<'TaskCompleted'>>[]>;
  missed(planId: string, knownAt: number): Promise<Recorded<LedgerEventData<'DeadlineMissed'>>[]>;
  /** Whether any progress report for the metric was recorded at or before `before`. */
  reportedBy(planId: string, metric: string, before: number): Promise<boolean>;
  /**
   * The hash of the event the read model applied at `position`, or null when it keeps no row for
   * it. Every ledger event adds a row, so at the checkpoint this names the last event applied:
   * the log must still hold that event there (see checkReadModel).
   */
  hashAt(position: number): Promise<string | null>;
  /** Optional: checkpoint and hashAt in one read (see ProjectionReader). */
  checkpointAndHash?(projection: string): Promise<AppliedAt>;
  /** Position, stream and event id of one figure version, to find the stream of a report for a correction. */
  findReport(eventId: string): Promise<FigureVersion | null>;
  /**
   * A cheap mark that changes whenever the read model's rows may have been written by someone
   * other than this reader's own writer (SQLite: another connection's commit; PostgreSQL: any
   * write to the server), so that a result judged on its rows may be kept while the mark, the
   * checkpoint and the log's head all stay the same. Without it, nothing judged is kept.
   */
  changeMark?(): Promise<string>;
}
