import type { AsOf, FigureVersion, Retraction } from '../read-model/rows';

/**
 * Which version of each place's figure is in force at a moment, computed from the
 * trail alone: among reports recorded by `knownAt` and not retracted by then, each
 * report's latest version recorded by then; of those effective by `asOf`, the one with
 * the latest effective date, and for equal dates the later report.
 * The read models answer the same question in SQL; the audit trail replays it here so
 * an auditor can see the shown value come out of the events.
 */
export const inForce = (
  versions: readonly FigureVersion[],
  retractions: readonly Retraction[],
  at: AsOf,
): FigureVersion[] => {
  const retracted = new Set(retractions.filter((r) => r.recordedAt <= at.knownAt).map((r) => r.reportId));
  const latestOfReport = new Map<string, FigureVersion>();
  const reportPosition = new Map<string, number>();
  for (const v of versions) {
    if (v.kind === 'report') reportPosition.set(v.eventId, v.position);
    if (v.recordedAt > at.knownAt || retracted.has(v.reportId)) continue;
    const cur = latestOfReport.get(v.reportId);
    if (!cur || v.position > cur.position) latestOfReport.set(v.reportId, v);
  }
  const best = new Map<string, FigureVersion>();
  for (const v of latestOfReport.values()) {
    if (v.asOf > at.asOf) continue;
    const cur = best.get(v.place);
    const vp = reportPosition.get(v.reportId) ?? v.position;
    const cp = cur ? reportPosition.get(cur.reportId) ?? cur.position : -1;
    if (!cur || v.asOf > cur.asOf || (v.asOf === cur.asOf && vp > cp)) best.set(v.place, v);
  }
  return [...best.values()].sort((a, b) => a.place.localeCompare(b.place));
};
