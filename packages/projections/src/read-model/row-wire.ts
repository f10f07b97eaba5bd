import type { FigureRow, IndexRow } from './index-rows';

/**
 * Index rows as JSON text, to pass between threads. A figure (nearly every row) travels as an
 * array of its values, not an object: about 0.9 µs a row each way against 1.5–1.8 µs with
 * keys (measured). Other rows travel as they are.
 */
type FigureTuple = [
  position: number,
  event_id: string,
  recorded_at: number,
  hash: string,
  kind: FigureRow['kind'],
  report_id: string,
  plan_id: string,
  task: number,
  metric: string,
  place: string,
  as_of: string,
  figure: string,
  unit: string | null,
  person: string | null,
  source: string | null,
  reason: string | null,
];

export const encodeRows = (rows: readonly IndexRow[]): string => {
  const wire: (FigureTuple | IndexRow)[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const x = rows[i]!;
    if (x.table !== 'figures') {
      wire[i] = x;
      continue;
    }
    const r = x.row;
    wire[i] = [r.position, r.event_id, r.recorded_at, r.hash, r.kind, r.report_id, r.plan_id, r.task, r.metric, r.place, r.as_of, r.figure, r.unit, r.person, r.source, r.reason];
  }
  return JSON.stringify(wire);
};

export const decodeRows = (text: string): IndexRow[] => {
  const wire = JSON.parse(text) as (FigureTuple | IndexRow)[];
  const rows: IndexRow[] = new Array(wire.length);
  for (let i = 0; i < wire.length; i++) {
    const x = wire[i]!;
    if (!Array.isArray(x)) {
      rows[i] = x;
      continue;
    }
    rows[i] = {
      table: 'figures',
      row: {
        position: x[0],
        event_id: x[1],
        recorded_at: x[2],
        hash: x[3],
        kind: x[4],
        report_id: x[5],
        plan_id: x[6],
        task: x[7],
        metric: x[8],
        place: x[9],
        as_of: x[10],
        figure: x[11],
        unit: x[12],
        person: x[13],
        source: x[14],
        reason: x[15],
      },
    };
  }
  return rows;
};
