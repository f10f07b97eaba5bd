/**
 * The figure in force at the read model's head for one (plan, metric, place) pair, kept with
 * the pair's row so that a view of the present reads one row a pair instead of walking the
 * pair's figures. "In force" is the rule of the effective-figure query (docs/concepts.md): of
 * each report not retracted, its latest version; of those, the one with the latest as-of date,
 * the later report on a tie.
 *
 * A report can only raise the figure in force (its position is the highest yet), so it is
 * applied here. A correction can lower its report's as-of date, and a retraction removes a
 * report, so either one marks the pair for the engine to read its figure in force again with
 * its own effective-figure query: the row is then derived by the very query it stands in for.
 */
export interface InForce {
  /** The version in force: null when none (no report, or every report retracted). */
  position: number | null;
  asOf: string | null;
  reportPosition: number | null;
  /** The last event of the pair (a version of one of its figures, or a retraction of one). */
  lastPosition: number;
  /** The latest recorded time among the pair's events: a view known at or after it sees them all. */
  lastRecordedAt: number;
  /** To be read again from the figures (a correction or retraction), or left for that (stale). */
  recompute: boolean;
}

/** A pair with no figure yet. */
export const noFigure = (): InForce => ({ position: null, asOf: null, reportPosition: null, lastPosition: 0, lastRecordedAt: 0, recompute: false });

// The state is mutated in place: a batch applies thousands of events to a few hundred pairs.
const touch = (s: InForce, position: number, recordedAt: number): void => {
  if (position > s.lastPosition) s.lastPosition = position;
  if (recordedAt > s.lastRecordedAt) s.lastRecordedAt = recordedAt;
};

/** A new report of the pair: in force unless the one in force is as of a later date. */
export const afterReport = (s: InForce, position: number, asOf: string, recordedAt: number): void => {
  touch(s, position, recordedAt);
  if (s.recompute || (s.asOf !== null && asOf < s.asOf)) return;
  s.position = position;
  s.asOf = asOf;
  s.reportPosition = position;
};

/** A correction or retraction of one of the pair's reports. */
export const afterAmendment = (s: InForce, position: number, recordedAt: number): void => {
  touch(s, position, recordedAt);
  s.recompute = true;
};

/** The engine's effective-figure query at the head, for a pair marked by afterAmendment. */
export const HEAD = { asOf: '9999-12-31', knownAt: 8.64e15 } as const;
