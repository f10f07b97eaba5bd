import { escapeControls } from '@minsheng/core';
import type { UnitViewRow, View, ViewRow } from '@minsheng/projections';
import { CATALOGUES, translator, type Language, type MessageKey } from '../messages';
import { toCsv } from './csv';
import { isoInZone } from './time';

/*
 * A view as CSV, for a person who opens it in Excel: in Chinese, the headers are the words the
 * CLI and the board use for the same columns, and status, kind, role and yes/no are words, not
 * codes. In English the headers and codes are the ledger's own, as scripts read them. In both,
 * known_at is in the plan's time zone with its offset (still ISO 8601): a person reads it.
 */

type Cell = string | boolean | null;

/** Each column: its key (the English header, and csv.col.<key> in the catalogue) and its cell, codes as the ledger has them. */
const COLUMNS: ReadonlyArray<readonly [string, (r: ViewRow) => Cell, string?]> = [
  ['task', (r) => String(r.task)],
  ['task_title', (r) => r.taskTitle],
  ['metric', (r) => r.metric],
  ['metric_name', (r) => r.metricName],
  ['kind', (r) => r.kind, 'planShow.targetKind.'],
  ['place', (r) => r.place],
  ['place_name', (r) => r.placeName],
  // A milestone's figure counts places: its unit is the projections' word `places`.
  ['unit', (r) => r.unit, 'csv.unit.'],
  ['target', (r) => r.target],
  ['value', (r) => r.value],
  ['numerator', (r) => r.numerator],
  ['denominator', (r) => r.denominator],
  ['percent', (r) => r.percent],
  ['scheduled_percent', (r) => r.scheduled],
  ['met', (r) => r.met],
  ['places_reported', (r) => String(r.placesReported)],
  ['places_expected', (r) => String(r.placesExpected)],
  ['status', (r) => r.status, 'status.'],
  ['responsible_units', (r) => r.responsibleUnits.join('、')],
  ['reported_as_of', (r) => r.reportedAsOf],
  ['completion_recorded', (r) => r.completionRecorded],
  ['deadlines_missed', (r) => r.deadlinesMissed.join(' ')],
];

const UNIT_COLUMNS: ReadonlyArray<readonly [string, (r: UnitViewRow) => Cell, string?]> = [
  ['responsible_unit', (r) => r.responsibleUnit],
  ['role', (r) => r.role, 'role.'],
];

/** The keys of the CSV's columns (its English header), the unit view's first. */
export const csvColumns = (groupBy: View['groupBy']): string[] => [...(groupBy === 'unit' ? UNIT_COLUMNS : []), ...COLUMNS].map(([key]) => key).concat('as_of', 'known_at');

export interface CsvOptions {
  readonly lang: Language;
  /** The plan's time zone, "+08:00": known_at is written in it. */
  readonly timeZone: string;
}

/** A view as CSV. Its fields are one-line texts: a control character in one (an older plan's) is escaped, as in every output. */
export const viewCsv = (view: View | View<UnitViewRow>, { lang, timeZone }: CsvOptions): string => {
  const say = translator(lang);
  const codes = lang === 'en';
  /** A code as a word of the catalogue under `prefix`; one it does not know (a newer ledger's) as it is. */
  const word = (cell: Cell, prefix: string | undefined): Cell => {
    if (codes) return cell;
    if (typeof cell === 'boolean') return say(cell ? 'figure.yes' : 'figure.no');
    const key = `${prefix}${cell}`;
    return prefix !== undefined && cell !== null && key in CATALOGUES.en ? say(key as MessageKey) : cell;
  };
  const columns = [...(view.groupBy === 'unit' ? (UNIT_COLUMNS as typeof COLUMNS) : []), ...COLUMNS];
  const header = csvColumns(view.groupBy).map((key) => (codes ? key : say(`csv.col.${key}` as MessageKey)));
  const knownAt = isoInZone(view.knownAt, timeZone);
  const rows = view.rows.map((r) =>
    [...columns.map(([, cell, prefix]) => word(cell(r), prefix)), view.asOf, knownAt].map((cell) => (typeof cell === 'string' ? escapeControls(cell) : cell)),
  );
  return toCsv(header, rows);
};
