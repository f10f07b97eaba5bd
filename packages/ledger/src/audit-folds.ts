import type { StoredEvent } from '@minsheng/core';
import { inForce, type FigureVersion, type Retraction } from '@minsheng/projections';
import { figureVersion, indexRows, retraction } from '@minsheng/projections/internal';

/**
 * One progress stream's versions and retractions, by report, folded once from its checked
 * events. A kept stream's events are one array until the stream grows (audit-streams.ts), so
 * the fold is kept by that array: an audit looks up the reports it shows instead of mapping
 * and sorting every event of every place again (26,000 at 1M for a city figure).
 */
export interface StreamFold {
  readonly versions: readonly FigureVersion[];
  readonly retractions: readonly Retraction[];
  readonly versionsOf: ReadonlyMap<string, readonly FigureVersion[]>;
  readonly retractionsOf: ReadonlyMap<string, readonly Retraction[]>;
  /** Report id of each version, by its event id. */
  readonly reportOf: ReadonlyMap<string, string>;
  /** Log position of every event of the stream, by id. */
  readonly positionOf: ReadonlyMap<string, number>;
  /** The latest recordedAt of the stream's versions and retractions (epoch ms). */
  readonly lastRecordedAt: number;
  /** The last moment's versions in force, kept for the next audit at the same moment. */
  last?: { readonly asOf: string; readonly knownAt: number; readonly inForce: readonly FigureVersion[] };
}

const folds = new WeakMap<readonly StoredEvent[], StreamFold>();

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
};

/** The fold of a stream's events (in revision order, so in log order), made once per array. */
export const foldStream = (events: readonly StoredEvent[]): StreamFold => {
  const known = folds.get(events);
  if (known) return known;
  const versions: FigureVersion[] = [];
  const retractions: Retraction[] = [];
  const versionsOf = new Map<string, FigureVersion[]>();
  const retractionsOf = new Map<string, Retraction[]>();
  const reportOf = new Map<string, string>();
  const positionOf = new Map<string, number>();
  let lastRecordedAt = -Infinity;
  for (const e of events) {
    positionOf.set(e.eventId, e.position);
    const r = indexRows(e);
    if (r?.table === 'figures') {
      const v = figureVersion(r.row);
      versions.push(v);
      push(versionsOf, v.reportId, v);
      reportOf.set(v.eventId, v.reportId);
      lastRecordedAt = Math.max(lastRecordedAt, v.recordedAt);
    } else if (r?.table === 'retractions') {
      const x = retraction(r.row);
      retractions.push(x);
      push(retractionsOf, x.reportId, x);
      lastRecordedAt = Math.max(lastRecordedAt, x.recordedAt);
    }
  }
  const fold: StreamFold = { versions, retractions, versionsOf, retractionsOf, reportOf, positionOf, lastRecordedAt };
  folds.set(events, fold);
  return fold;
};

/**
 * The stream's versions in force at the moment (replay.ts's inForce over all of them). A
 * knownAt at or after every event of the stream gives what any later one gives: an audit "now"
 * asks with a new knownAt each time, and is answered from the last.
 */
export const inForceAt = (fold: StreamFold, asOf: string, knownAt: number): readonly FigureVersion[] => {
  const known = knownAt >= fold.lastRecordedAt ? Infinity : knownAt;
  if (fold.last && fold.last.asOf === asOf && fold.last.knownAt === known) return fold.last.inForce;
  const found = inForce(fold.versions, fold.retractions, { asOf, knownAt: known });
  fold.last = { asOf, knownAt: known, inForce: found };
  return found;
};
