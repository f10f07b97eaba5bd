import type { FigureRow, IndexRow } from './index-rows';

/**
 * Index rows as JSON text, to pass between threads. A figure (nearly every row) travels as an
 * array of its values, not an object, and the texts a page repeats (plan, metric, place, date,
 * unit, person) travel once, in the page's list of texts, which a figure points into; a report's
 * own id is not sent twice. About 210 characters a figure, 0.9 µs to write and 0.6 µs to read
 * (measured; as objects with keys it was 1.5–1.8 µs each way). The receiving thread then also
 * holds one copy of each such text a page.
 */
type FigureTuple = [
  position: number,
  event_id: string,
  recorded_at: number,
  hash: string,
  kind: 0 | 1, // report, correction
  report_id: string | 0, // 0: the event's own id (a report)
  plan_id: number,
  task: number,
  metric: number,
  place: number,
  as_of: number,
  figure: string,
  unit: number, // -1: null
  person: number, // -1: null
  source: string | null,
  reason: string | null,
];

type Wire = [texts: string[], rows: (FigureTuple | IndexRow)[]];

const KIND: Record<FigureRow['kind'], FigureTuple[4]> = { report: 0, correction: 1 };

export const encodeRows = (rows: readonly IndexRow[]): string => {
  const texts: string[] = [];
  const places = new Map<string, number>();
  const text = (s: string): number => {
    let i = places.get(s);
    if (i === undefined) {
      i = texts.length;
      texts.push(s);
      places.set(s, i);
    }
    return i;
  };
  const wire: (FigureTuple | IndexRow)[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const x = rows[i]!;
    if (x.table !== 'figures') {
      wire[i] = x;
      continue;
    }
    const r = x.row;
    wire[i] = [
      r.position,
      r.event_id,
      r.recorded_at,
      r.hash,
      KIND[r.kind],
      r.report_id === r.event_id ? 0 : r.report_id,
      text(r.plan_id),
      r.task,
      text(r.metric),
      text(r.place),
      text(r.as_of),
      r.figure,
      r.unit === null ? -1 : text(r.unit),
      r.person === null ? -1 : text(r.person),
      r.source,
      r.reason,
    ];
  }
  const page: Wire = [texts, wire];
  return JSON.stringify(page);
};

export const decodeRows = (text: string): IndexRow[] => {
  const [texts, wire] = JSON.parse(text) as Wire;
  const rows: IndexRow[] = new Array(wire.length);
  for (let i = 0; i < wire.length; i++) {
    const x = wire[i]!;
    if (!Array.isArray(x)) {
      rows[i] = x;
      continue;
    }
    const row: FigureRow = {
      position: x[0],
      event_id: x[1],
      recorded_at: x[2],
      hash: x[3],
      kind: x[4] === 0 ? 'report' : 'correction',
      report_id: x[5] === 0 ? x[1] : x[5],
      plan_id: texts[x[6]]!,
      task: x[7],
      metric: texts[x[8]]!,
      place: texts[x[9]]!,
      as_of: texts[x[10]]!,
      figure: x[11],
      unit: x[12] === -1 ? null : texts[x[12]]!,
      person: x[13] === -1 ? null : texts[x[13]]!,
      source: x[14],
      reason: x[15],
    };
    rows[i] = { table: 'figures', row };
  }
  return rows;
};
