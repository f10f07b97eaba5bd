import type { Source } from '@minsheng/core';
import { shortfallText, type AuditTrail, type TrailEntry, type TrailOutcome } from '@minsheng/projections';
import { renderTable, type Column } from './table';
import { statusWord, t as msg } from '../language';
import { localTime, localTimeWithZone } from './time';
import { ruleSentence } from './rule';
import { auditFault } from '../refusals';

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

const stateText = (e: TrailEntry): string => msg(!e.known ? 'audit.state.notKnown' : e.inForce ? 'audit.state.inForce' : 'audit.state.known');

/** Where an outcome stands at the moment: not yet recorded, dated later, or in effect. */
const outcomeState = (o: TrailOutcome): string => msg(!o.known ? 'audit.state.notKnown' : !o.effective ? 'audit.outcome.afterAsOf' : 'audit.outcome.inEffect');

/** How many of an event id's last characters stand for it where the audit did not read it: its random part. */
const SHORT_ID = 6;

/**
 * The events a completion's figure was computed from: the log position of each the audit read;
 * the others are in other places' streams, so they are named by the tail of their id (the whole
 * id is in --json), or, where ids are left out (the demo prints the same text every run), counted.
 */
const fromText = (x: TrailOutcome, ids: boolean): string => {
  const read = x.eventPositions.flatMap((p) => (p === null ? [] : [`#${p}`]));
  const others = x.events.filter((_, i) => x.eventPositions[i] === null);
  if (ids) return x.events.map((id, i) => (x.eventPositions[i] === null ? `…${id.slice(-SHORT_ID)}` : `#${x.eventPositions[i]}`)).join(' ');
  return [...read, ...(others.length ? [msg('audit.from.others', { count: others.length })] : [])].join(' ');
};

/** The audit trail of one figure, for people: the figure, its rule, its lineage, every event, the replay. */
export const auditText = (t: AuditTrail, o: AuditTextOptions): string[] => {
  const ids = o.ids ?? true;
  const positionOf = new Map(t.entries.map((e) => [e.eventId, e.position]));
  const ref = (eventId: string) => (positionOf.has(eventId) ? `#${positionOf.get(eventId)}` : ids ? eventId : '');
  const value = t.value === null ? null : o.unit === '%' ? `${t.value}%` : o.unit ? `${t.value} ${o.unit}` : t.value;
  const figure = value === null ? msg('audit.nothingReported') : t.percent !== null ? msg('audit.ofTarget', { value, percent: t.percent }) : value;
  const lines = [
    msg('audit.heading', { task: t.task, taskTitle: t.taskTitle, metricName: t.metricName, metric: t.metric }),
    msg('audit.figure', { place: t.placeName, figure, target: t.target, met: msg(t.met ? 'audit.met' : 'audit.notMet'), status: statusWord(t.status) }),
    msg('audit.moment', { asOf: t.asOf, knownAt: localTimeWithZone(t.knownAt, o.timeZone) }),
    msg('audit.rule', { rule: ruleSentence(t.rule) }),
    '',
    msg('audit.lineage', { count: t.lineage.length }),
  ];
  if (t.lineage.length)
    lines.push(
      ...renderTable(
        [{ header: msg('audit.col.place') }, { header: msg('audit.col.figure') }, { header: msg('audit.col.value'), align: 'right' }, { header: msg('audit.col.asOf') }, { header: msg('audit.col.event') }],
        t.lineage.map((l) => [
          l.placeName,
          l.figure,
          l.value,
          l.asOf,
          l.eventId === l.reportId ? ref(l.eventId) : msg('audit.correcting', { event: ref(l.eventId), report: ref(l.reportId) }),
        ]),
      ).map((l) => `  ${l}`),
    );
  // A target set once is the plan's own (shown above); a revised one lists each target, its document and reason.
  if (t.revisions.length > 1)
    lines.push(
      '',
      msg('audit.revisions', { count: t.revisions.length - 1 }),
      ...renderTable(
        [{ header: msg('audit.col.pos'), align: 'right' }, { header: msg('audit.col.recordedAt') }, { header: msg('audit.col.target'), max: 40 }, { header: msg('audit.col.document') }, { header: msg('audit.col.reason'), max: 48 }],
        t.revisions.map((r) => [`#${r.position}`, localTime(r.recordedAt, o.timeZone), r.target, r.document, r.reason]),
      ).map((l) => `  ${l}`),
    );
  // The ledger's conclusions about the metric (its task's stream), with the moment's two axes applied.
  const completed = t.outcomes.some((x) => x.type === 'TaskCompleted');
  if (t.outcomes.length)
    lines.push(
      '',
      msg('audit.outcomes', { count: t.outcomes.length }),
      ...renderTable(
        [
          { header: msg('audit.col.pos'), align: 'right' },
          { header: msg('audit.col.outcome') },
          { header: msg('audit.col.on') },
          { header: msg('audit.col.recordedAt') },
          { header: msg('audit.col.deadline'), max: 40 },
          { header: msg('audit.col.figure'), align: 'right' },
          { header: msg('audit.col.target') },
          { header: msg('audit.col.short') },
          ...(completed ? [{ header: msg('audit.col.from') }] : []),
          ...(ids ? [{ header: msg('audit.col.hash') }] : []),
          { header: msg('audit.col.state') },
        ],
        t.outcomes.map((x) => [
          `#${x.position}`,
          msg(x.type === 'TaskCompleted' ? 'audit.outcome.completed' : 'audit.outcome.missed'),
          x.on,
          localTime(x.recordedAt, o.timeZone),
          x.deadline ? `${x.deadline.id}: ${x.deadline.description ?? x.deadline.kind}` : '',
          x.value ?? msg('audit.nothing'),
          x.target,
          shortfallText(x.shortfall),
          ...(completed ? [fromText(x, ids)] : []),
          ...(ids ? [x.hash.slice(0, 12)] : []),
          outcomeState(x),
        ]),
      ).map((l) => `  ${l}`),
    );
  const columns: Column[] = [
    { header: msg('audit.col.pos'), align: 'right' },
    ...(ids ? [{ header: msg('audit.col.eventId') }] : []),
    { header: msg('audit.col.type') },
    { header: msg('audit.col.actsOn') },
    { header: msg('audit.col.place') },
    { header: msg('audit.col.asOf') },
    { header: msg('audit.col.recordedAt') },
    { header: msg('audit.col.unit') },
    { header: msg('audit.col.person') },
    { header: msg('audit.col.figure') },
    { header: msg('audit.col.value'), align: 'right' },
    { header: msg('audit.col.source'), max: 48 },
    { header: msg('audit.col.reason'), max: 48 },
    ...(ids ? [{ header: msg('audit.col.hash') }] : []),
    { header: msg('audit.col.state') },
  ];
  lines.push(
    '',
    msg('audit.events', { count: t.entries.length }),
    ...renderTable(
      columns,
      t.entries.map((e) => [
        `#${e.position}`,
        ...(ids ? [e.eventId] : []),
        msg(`audit.type.${e.type}`),
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
    ...t.faults.map((f) => msg('audit.faultLine', { fault: auditFault(f) })),
    t.replay.matches
      ? msg('audit.replayMatches', { value: t.replay.value ?? msg('audit.nothing') })
      : msg('audit.replayDiffers', { value: t.replay.value ?? msg('audit.nothing'), shown: t.value ?? msg('audit.nothing') }),
  );
  return lines;
};
