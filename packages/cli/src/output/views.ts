import type { UnitViewRow, View, ViewRow } from '@minsheng/projections';
import { notesCell, percentCell, rowFigure, type FigureContext } from './figures';
import { renderTable, type Column } from './table';
import { localTimeWithZone } from './time';

const STATUSES = [
  'complete',
  'complete (late)',
  'exceeded',
  'on track',
  'behind',
  'missed',
  'not started',
  'provisional',
  'no baseline',
  'reported',
  'not expected',
] as const;
/** Always counted; the others only where there are some. */
const ALWAYS: ReadonlySet<string> = new Set(['complete', 'on track', 'behind', 'missed', 'not started']);

/** Counts per status. */
const summary = (rows: readonly ViewRow[]): string =>
  STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length] as const)
    .filter(([s, n]) => ALWAYS.has(s) || n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(' · ');

const TITLE: Record<View['by'], string> = { task: 'City view', district: 'District view', unit: 'Responsible-unit view' };

export const viewHeading = (view: View | View<UnitViewRow>, fc: FigureContext, scope?: string): string[] => [
  `${TITLE[view.by]}${scope ? `: ${scope}` : ''} — ${fc.frame.title}`,
  `as of ${view.asOf}, as known at ${localTimeWithZone(view.knownAt, fc.frame.timeZone)}; ${view.rows.length} rows: ${summary(view.rows)}`,
];

const common: Column[] = [
  { header: 'Task', align: 'right' },
  { header: 'Metric', max: 30 },
  { header: 'Target', max: 22 },
  { header: 'Figure', max: 26 },
  { header: '%', align: 'right' },
  { header: 'Sched.', align: 'right' },
  { header: 'Status' },
  { header: 'Notes' },
];

const commonCells = (r: ViewRow, fc: FigureContext): string[] => [
  String(r.task),
  r.metricName,
  r.target,
  rowFigure(r, fc),
  percentCell(r.percent),
  percentCell(r.scheduled),
  r.status,
  notesCell(r),
];

/** A view as a table for people; `view.by` picks the leading columns. */
export const viewTable = (view: View | View<UnitViewRow>, fc: FigureContext): string[] => {
  switch (view.by) {
    case 'task':
      return renderTable(common, view.rows.map((r) => commonCells(r, fc)));
    case 'district':
      return renderTable(
        [{ header: 'Place' }, ...common],
        view.rows.map((r) => [r.placeName, ...commonCells(r, fc)]),
      );
    case 'unit':
      return renderTable(
        [{ header: 'Unit' }, { header: 'Role' }, ...common],
        (view.rows as readonly UnitViewRow[]).map((r) => [r.responsibleUnit, r.role, ...commonCells(r, fc)]),
      );
  }
};
