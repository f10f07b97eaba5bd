import type { FigureVersion, Recorded, Retraction } from './rows';

/** A result row as either engine returns it (PostgreSQL BIGINTs arrive as strings). */
export type Row = Record<string, unknown>;

export const figureVersion = (r: Row): FigureVersion => ({
  eventId: r.event_id as string,
  kind: r.kind as 'report' | 'correction',
  reportId: r.report_id as string,
  position: Number(r.position),
  planId: r.plan_id as string,
  task: r.task as number,
  metric: r.metric as string,
  place: r.place as string,
  asOf: r.as_of as string,
  recordedAt: Number(r.recorded_at),
  figure: JSON.parse(r.figure as string),
  unit: (r.unit as string | null) ?? null,
  person: (r.person as string | null) ?? null,
  source: r.source ? JSON.parse(r.source as string) : null,
  reason: (r.reason as string | null) ?? null,
  hash: r.hash as string,
});

export const retraction = (r: Row): Retraction => ({
  eventId: r.event_id as string,
  reportId: r.report_id as string,
  position: Number(r.position),
  recordedAt: Number(r.recorded_at),
  reason: r.reason as string,
  unit: (r.unit as string | null) ?? null,
  person: (r.person as string | null) ?? null,
  hash: r.hash as string,
});

export const recorded = <D>(r: Row): Recorded<D> => ({
  eventId: r.event_id as string,
  position: Number(r.position),
  recordedAt: Number(r.recorded_at),
  hash: r.hash as string,
  data: JSON.parse(r.data as string) as D,
});

