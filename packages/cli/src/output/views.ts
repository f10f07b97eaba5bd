import type { UnitViewRow, View, ViewRow } from '@minsheng/projections';
import { notesCell, percentCell, rowFigure, type FigureContext } from './figures';
import { renderTable, type Column } from './table';
import { localTimeWithZone } from './time';
import { statusWord, t } from '../language';

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
    .map(([s, n]) => t('view.count', { status: statusWord(s), count: n }))
    .join(' · ');

export const viewHeading = (view: View | View<UnitViewRow>, fc: FigureContext, scope?: string): string[] => {
  const title = t(`view.title.${view.groupBy}`);
  return [
    scope ? t('view.headingScoped', { title, scope, plan: fc.frame.title }) : t('view.heading', { title, plan: fc.frame.title }),
    t('view.moment', {
      asOf: view.asOf,
      knownAt: localTimeWithZone(view.knownAt, fc.frame.timeZone),
      count: view.rows.length,
      summary: summary(view.rows),
    }),
  ];
};

const common = (): Column[] => [
  { header: t('col.task'), align: 'right' },
  { header: t('col.metric'), max: 30 },
  { header: t('col.target'), max: 22 },
  { header: t('col.figure'), max: 26 },
  { header: t('col.percent'), align: 'right' },
  { header: t('col.scheduled'), align: 'right' },
  { header: t('col.status') },
  { header: t('col.notes') },
];

const commonCells = (r: ViewRow, fc: FigureContext): string[] => [
  String(r.task),
  r.metricName,
  r.target,
  rowFigure(r, fc),
  percentCell(r.percent),
  percentCell(r.scheduled),
  statusWord(r.status),
  notesCell(r),
];

/** A view as a table for people; `view.groupBy` picks the leading columns. */
export const viewTable = (view: View | View<UnitViewRow>, fc: FigureContext): string[] => {
  switch (view.groupBy) {
    case 'task':
      return renderTable(common(), view.rows.map((r) => commonCells(r, fc)));
    case 'district':
      return renderTable(
        [{ header: t('col.place') }, ...common()],
        view.rows.map((r) => [r.placeName, ...commonCells(r, fc)]),
      );
    case 'unit':
      return renderTable(
        [{ header: t('col.unit') }, { header: t('col.role') }, ...common()],
        (view.rows as readonly UnitViewRow[]).map((r) => [r.responsibleUnit, r.role === 'lead' || r.role === 'co-responsible' ? t(`role.${r.role}`) : r.role, ...commonCells(r, fc)]),
      );
  }
};
