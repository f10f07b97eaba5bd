import { isTopPlace, requiredPlaces, type PlanFrame, type TargetSetData } from '@minsheng/core';
import type { ViewRow } from '@minsheng/projections';
import { t as msg } from '../language';

/** What a view needs besides its rows to show figures the way the plan writes them. */
export interface FigureContext {
  readonly frame: PlanFrame;
  /** Current targets by metric id. */
  readonly targets: ReadonlyMap<string, TargetSetData>;
}

/**
 * A row's figure for people: "102 公里", "89.2157% (91/102)", "评审" for a district's
 * milestone, "3/12 at 基本建成" for the city, "yes", "4/6 yes".
 */
export const rowFigure = (row: ViewRow, fc: FigureContext): string => {
  if (row.value === null) return '-';
  const t = fc.targets.get(row.metric);
  const isCity = isTopPlace(fc.frame, row.place);
  switch (row.kind) {
    case 'share':
      return row.numerator !== null && row.denominator !== null ? `${row.value}% (${row.numerator}/${row.denominator})` : `${row.value}%`;
    case 'milestone': {
      const stages = t?.target.kind === 'milestone' ? t.target.stages : [];
      if (!isCity) return stages[Number(row.value) - 1] ?? msg('figure.stage', { stage: row.value });
      const required = t ? requiredPlaces(fc.frame, t.metric).length : 0;
      return msg('figure.cityStage', { count: row.value, required, stage: stages[stages.length - 1] ?? msg('figure.finalStage') });
    }
    case 'yesNo': {
      const required = t ? requiredPlaces(fc.frame, t.metric).length : 1;
      if (!isCity || required === 1) return row.value === '0' ? msg('figure.no') : msg('figure.yes');
      return msg('figure.cityYes', { count: row.value, required });
    }
    default:
      return row.unit ? `${row.value} ${row.unit}` : row.value;
  }
};

export const percentCell = (p: string | null): string => (p === null ? '-' : `${p}%`);

/**
 * What a status rests on, in a few words: the baseline progress is measured from, when a late
 * target was met and due, a place's share of the city total, completion and missed deadlines,
 * and how many places a partly reported city figure rests on.
 */
export const notesCell = (row: ViewRow): string =>
  [
    row.baseline !== null && row.progress !== null ? msg('note.baseline', { baseline: row.baseline, progress: row.progress }) : '',
    row.status === 'complete (late)' && row.metOn !== null && row.due !== null ? msg('note.late', { metOn: row.metOn, due: row.due }) : '',
    row.status === 'provisional' ? msg('note.provisional') : '',
    row.shareOfCity !== null ? msg('note.share', { share: row.shareOfCity }) : '',
    // A sum owes nothing from a place the plan gives no part of it: "2/3 places" would read as a gap.
    row.kind !== 'atLeast' && row.kind !== 'approximate' && row.placesReported < row.placesExpected && row.placesReported > 0
      ? msg('note.places', { reported: row.placesReported, expected: row.placesExpected })
      : '',
    row.completionRecorded ? (row.completedOn ? msg('note.completedOn', { date: row.completedOn }) : msg('note.completed')) : '',
    row.deadlinesMissed.length ? msg('note.missed', { deadlines: row.deadlinesMissed.join(msg('list.separator')) }) : '',
  ]
    .filter(Boolean)
    .join(msg('note.separator'));
