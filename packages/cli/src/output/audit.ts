import type { Source } from '@minsheng/core';
import type { AuditTrail, TrailEntry, TrailOutcome } from '@minsheng/projections';
import { renderTable, type Column } from './table';
import { localTime, localTimeWithZone } from './time';

export interface AuditTextOptions {
  readonly timeZone: string;
  /**
   * Show event ids and hashes. They differ between runs (ids carry random bits), so the
   * demo leaves them out to print the same text every time.
   */
  readonly ids?: boolean;
  /** The unit of measure of the figure, e.g. 座 (from the target). */
  readonly unit?: string | null;
}

const sourceText = (s: Source | null): string =>
  s ? [s.document, s.note, s.attachmentSha256 ? `sha256 ${s.attachmentSha256.slice(0, 12)}…` : undefined].filter(Boolean).join('; ') : '';

const TYPE: Record<TrailEntry['type'], string> = {
  ProgressReported: 'reported',
  ProgressCorrected: 'corrected',
  ProgressRetracted: 'retracted',
};

const stateText = (e: TrailEntry): string => (!e.known ? 'not yet known' : e.inForce ? 'in force' : 'known');

/** Where an outcome stands at the moment: not yet recorded, dated later, or in effect. */
const outcomeState = (o: TrailOutcome): string => (!o.known ? 'not yet known' : !o.effective ? 'after as-of' : 'in effect');

/** The audit trail of one figure, for people: the figure, its rule, its lineage, every event, the replay. */
export const auditText = (t: AuditTrail, o: AuditTextOptions): string[] => {
  const ids = o.ids ?? true;
  const positionOf = new Map(t.entries.map((e) => [e.eventId, e.position]));
  const ref = (eventId: string) => (positionOf.has(eventId) ? `#${positionOf.get(eventId)}` : ids ? eventId : '');
  const value = t.value === null ? null : o.unit === '%' ? `${t.value}%` : o.unit ? `${t.value} ${o.unit}` : t.value;
  const figure = value === null ? 'nothing reported' : `${value}${t.percent !== null ? ` (${t.percent}% of target)` : ''}`;
  const lines = [
    `Audit of task ${t.task} ${t.taskTitle} — ${t.metricName} (${t.metric})`,
    `Figure: ${t.placeName} ${figure}; target ${t.target}; ${t.met ? 'met' : 'not met'}; ${t.status}`,
    `Moment: as of ${t.asOf}, as known at ${localTimeWithZone(t.knownAt, o.timeZone)}`,
    `Rule: ${t.rule}`,
    '',
    `Lineage: ${t.lineage.length} place figure${t.lineage.length === 1 ? '' : 's'} in force`,
  ];
  if (t.lineage.length)
    lines.push(
      ...renderTable(
        [{ header: 'Place' }, { header: 'Figure' }, { header: 'Value', align: 'right' }, { header: 'As of' }, { header: 'Event' }],
        t.lineage.map((l) => [
          l.placeName,
          l.figure,
          l.value,
          l.asOf,
          l.eventId === l.reportId ? ref(l.eventId) : `${ref(l.eventId)} correcting ${ref(l.reportId)}`,
        ]),
      ).map((l) => `  ${l}`),
    );
  // A target set once is the plan's own (shown above); a revised one lists each target, its document and reason.
  if (t.revisions.length > 1)
    lines.push(
      '',
      `Target revisions: ${t.revisions.length - 1} (the target in force is the last)`,
      ...renderTable(
        [{ header: 'Pos', align: 'right' }, { header: 'Recorded at' }, { header: 'Target', max: 40 }, { header: 'Document' }, { header: 'Reason', max: 48 }],
        t.revisions.map((r) => [`#${r.position}`, localTime(r.recordedAt, o.timeZone), r.target, r.document, r.reason]),
      ).map((l) => `  ${l}`),
    );
  // The ledger's conclusions about the metric (its task's stream), with the moment's two axes applied.
  const completed = t.outcomes.some((x) => x.type === 'TaskCompleted');
  if (t.outcomes.length)
    lines.push(
      '',
      `Outcomes: ${t.outcomes.length} (from the task's events)`,
      ...renderTable(
        [
          { header: 'Pos', align: 'right' },
          { header: 'Outcome' },
          { header: 'On' },
          { header: 'Recorded at' },
          { header: 'Deadline', max: 40 },
          { header: 'Figure', align: 'right' },
          { header: 'Target' },
          { header: 'Short' },
          ...(completed ? [{ header: 'From' }] : []),
          ...(ids ? [{ header: 'Hash' }] : []),
          { header: 'State' },
        ],
        t.outcomes.map((x) => [
          `#${x.position}`,
          x.type === 'TaskCompleted' ? 'task completed' : 'deadline missed',
          x.on,
          localTime(x.recordedAt, o.timeZone),
          x.deadline ? `${x.deadline.id}: ${x.deadline.description ?? x.deadline.kind}` : '',
          x.value ?? 'nothing',
          x.target,
          x.shortfall,
          ...(completed ? [x.eventPositions.map((p, i) => (p === null ? (ids ? x.events[i]! : '…') : `#${p}`)).join(' ')] : []),
          ...(ids ? [x.hash.slice(0, 12)] : []),
          outcomeState(x),
        ]),
      ).map((l) => `  ${l}`),
    );
  const columns: Column[] = [
    { header: 'Pos', align: 'right' },
    ...(ids ? [{ header: 'Event id' }] : []),
    { header: 'Type' },
    { header: 'Acts on' },
    { header: 'Place' },
    { header: 'As of' },
    { header: 'Recorded at' },
    { header: 'Unit' },
    { header: 'Person' },
    { header: 'Figure' },
    { header: 'Value', align: 'right' },
    { header: 'Source', max: 48 },
    { header: 'Reason', max: 48 },
    ...(ids ? [{ header: 'Hash' }] : []),
    { header: 'State' },
  ];
  lines.push(
    '',
    `Events: ${t.entries.length}`,
    ...renderTable(
      columns,
      t.entries.map((e) => [
        `#${e.position}`,
        ...(ids ? [e.eventId] : []),
        TYPE[e.type],
        e.eventId === e.reportId ? '' : ref(e.reportId),
        e.placeName,
        e.asOf,
        localTime(e.recordedAt, o.timeZone),
        e.unit,
        e.person,
        e.figure,
        e.value,
        sourceText(e.source),
        e.reason,
        ...(ids ? [e.hash.slice(0, 12)] : []),
        stateText(e),
      ]),
    ).map((l) => `  ${l}`),
    '',
    // Never hidden: each difference between the read model and the events is a line of its own.
    ...t.faults.map((f) => `READ-MODEL FAULT: ${f}`),
    `Replay: the events give ${t.replay.value ?? 'nothing'}; ${t.replay.matches ? 'matches the figure shown' : `DOES NOT MATCH the figure shown (${t.value ?? 'nothing'})`}.`,
  );
  return lines;
};
