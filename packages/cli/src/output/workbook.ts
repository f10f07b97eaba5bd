import type { PlanFrame } from '@minsheng/core';
import { statusWord } from '@minsheng/dashboard';
import type { UnitViewRow, View, ViewRow } from '@minsheng/projections';
import type { LogAt } from '@minsheng/event-store';
import { Workbook, type Worksheet } from 'exceljs';
import { localTimeWithZone } from './time';

/**
 * The supervision workbook (督办台账): the city view by task, one sheet per district and one
 * per responsible unit, and a receipt naming the moment, the log as it stood at that moment
 * (its size, last hash and Merkle root) and the log's head when the file was written.
 * Figures are numbers where the number is the decimal exactly, else text: no digit is lost.
 */

export const CITY_SHEET = '督办台账';
export const RECEIPT_SHEET = '凭据';

/** What the ledger has no field for yet: the column is there, empty, for the supervisor to fill in. */
const NEXT_STEPS_NOTE = '台账尚无“下步措施”字段：此列留空，由督办单位填写。';

export interface WorkbookInput {
  readonly frame: Pick<PlanFrame, 'planId' | 'title' | 'timeZone' | 'deadlines'>;
  /** The three views, read at one moment. */
  readonly city: View;
  readonly districts: View;
  readonly units: View<UnitViewRow>;
  /** The log's head when the views were read: its position and the hash of its last event. */
  readonly head: { readonly position: number; readonly hash: string | null };
  /** The log at the views' known-at: the events they were computed from. */
  readonly known: LogAt;
}

export interface SupervisionWorkbook {
  readonly data: Buffer;
  readonly sheets: readonly string[];
  /** Rows of the city view (one per task and metric). */
  readonly rows: number;
}

/** Number of a decimal text when the number is that decimal exactly (trailing zeros aside), else null. */
export const exactNumber = (text: string): number | null => {
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) return null;
  const canonical = text
    .replace(/^(-?)0+(?=[0-9])/, '$1')
    .replace(/(\.[0-9]*?)0+$/, '$1')
    .replace(/\.$/, '');
  const n = Number(text);
  return String(n) === canonical ? n : null;
};

/** A figure as a cell value: a number when exact, else its text. */
export const figureCell = (text: string | null): number | string | null => (text === null ? null : exactNumber(text) ?? text);

const INVALID_SHEET_CHARS = /[:\\/?*[\]]/g;

/** A sheet name Excel takes (at most 31 characters, none of : \ / ? * [ ], not blank), unique among `taken` (compared ignoring case). */
export const sheetName = (wanted: string, taken: ReadonlySet<string>): string => {
  const base = wanted.replace(INVALID_SHEET_CHARS, '_').replace(/^'+|'+$/g, '').trim() || 'Sheet';
  const free = (n: string): boolean => !taken.has(n.toLowerCase());
  const cut = (s: string, room: number): string => Array.from(s).slice(0, room).join('');
  if (free(cut(base, 31))) return cut(base, 31);
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const name = cut(base, 31 - suffix.length) + suffix;
    if (free(name)) return name;
  }
};

interface Column {
  readonly header: string;
  readonly width: number;
  readonly value: (r: ViewRow, i: number) => string | number | null;
  readonly numFmt?: (r: ViewRow) => string;
  readonly wrap?: boolean;
}

/** A number format showing the unit after the figure, the figure itself kept as General. */
const withUnit = (unit: string | null): string => (unit ? `General" ${unit.replace(/["\\]/g, '')}"` : 'General');
const PERCENT = '0.0"%"';

const problems = (frame: WorkbookInput['frame'], r: ViewRow): string =>
  r.deadlinesMissed
    .map((id) => {
      const d = frame.deadlines.find((x) => x.id === id);
      if (!d) return `未达期限要求（${id}）`;
      // The plan's own words for the deadline, so the office reads the rule it set, not an id.
      return `${d.due}前${d.kind === 'report' ? '未按期报送进展' : '未按期完成'}：${d.description.replace(/[。．.]+$/u, '')}`;
    })
    .join('；');

const columns = (frame: WorkbookInput['frame'], unitSheet: boolean): Column[] => [
  { header: '序号', width: 6, value: (_, i) => i + 1 },
  { header: '任务', width: 30, value: (r) => `${r.task}. ${r.taskTitle}`, wrap: true },
  { header: '指标', width: 28, value: (r) => r.metricName, wrap: true },
  { header: '目标', width: 16, value: (r) => r.target, wrap: true },
  { header: '牵头单位/责任单位', width: 22, value: (r) => r.responsibleUnits.join('、'), wrap: true },
  ...(unitSheet ? [{ header: '职责', width: 8, value: (r: ViewRow) => ((r as UnitViewRow).role === 'lead' ? '牵头' : '配合') }] : []),
  { header: '截至日期', width: 12, value: (r) => r.due },
  {
    header: '完成值',
    width: 16,
    value: (r) => {
      const v = figureCell(r.value);
      return typeof v === 'string' && r.unit ? `${v} ${r.unit}` : v;
    },
    numFmt: (r) => withUnit(r.unit),
  },
  { header: '完成比例', width: 10, value: (r) => figureCell(r.percent), numFmt: () => PERCENT },
  { header: '序时进度', width: 10, value: (r) => figureCell(r.scheduled), numFmt: () => PERCENT },
  { header: '状态', width: 10, value: (r) => statusWord('zh-CN', r.status) },
  { header: '存在问题', width: 36, value: (r) => problems(frame, r) || null, wrap: true },
  { header: '下步措施', width: 20, value: () => null, wrap: true },
];

const addViewSheet = (wb: Workbook, name: string, frame: WorkbookInput['frame'], rows: readonly ViewRow[], unitSheet: boolean): Worksheet => {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  const cols = columns(frame, unitSheet);
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center' };
  ws.getCell(1, cols.length).note = NEXT_STEPS_NOTE;
  rows.forEach((r, i) => {
    const row = ws.addRow(cols.map((c) => c.value(r, i)));
    cols.forEach((c, j) => {
      const cell = row.getCell(j + 1);
      if (c.numFmt && typeof cell.value === 'number') cell.numFmt = c.numFmt(r);
      cell.alignment = { vertical: 'top', ...(c.wrap ? { wrapText: true } : {}) };
    });
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return ws;
};

/** Rows grouped by a key, in the order the keys first appear (the plan's order). */
const groups = <R>(rows: readonly R[], key: (r: R) => string): Array<readonly [string, R[]]> => {
  const m = new Map<string, R[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return [...m];
};

export const supervisionWorkbook = async (input: WorkbookInput): Promise<SupervisionWorkbook> => {
  const { frame, city, districts, units, head, known } = input;
  const wb = new Workbook();
  wb.creator = 'minsheng';
  // The moment the views describe, not the clock: the same ledger and moment give the same workbook.
  wb.created = wb.modified = new Date(city.knownAt);
  const taken = new Set<string>([CITY_SHEET.toLowerCase(), RECEIPT_SHEET.toLowerCase(), 'history']);
  const sheets: string[] = [CITY_SHEET];
  addViewSheet(wb, CITY_SHEET, frame, city.rows, false);
  const more: Array<readonly [string, readonly ViewRow[], boolean]> = [
    ...groups(districts.rows, (r) => r.placeName).map(([n, rs]) => [n, rs, false] as const),
    ...groups(units.rows, (r) => r.responsibleUnit).map(([n, rs]) => [n, rs, true] as const),
  ];
  for (const [wanted, rows, unitSheet] of more) {
    const name = sheetName(wanted, taken);
    taken.add(name.toLowerCase());
    sheets.push(name);
    addViewSheet(wb, name, frame, rows, unitSheet);
  }
  const receipt = wb.addWorksheet(RECEIPT_SHEET, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  receipt.columns = [
    { header: '项目', width: 22 },
    { header: '内容', width: 72 },
  ];
  receipt.getRow(1).font = { bold: true };
  receipt.addRows([
    ['计划编号', frame.planId],
    ['计划名称', frame.title],
    ['数据截至日期（as of）', city.asOf],
    ['账本记录截至（known at）', localTimeWithZone(city.knownAt, frame.timeZone)],
    ['截至 known at 的事件数', known.size],
    ['第 ' + known.size + ' 个事件的哈希', known.hash ?? ''],
    ['前 ' + known.size + ' 个事件的默克尔根', known.root],
    ['日志头位置（导出时）', head.position],
    ['日志头哈希（导出时）', head.hash ?? ''],
    [
      '核验',
      `本台账各表由前 ${known.size} 个事件算得。\`minsheng export --events --to ${known.size}\` 导出这些事件，最后一行的 hash 即上列哈希；日志为 ${known.size} 个事件时签发的检查点（checkpoint）所签之根即上列默克尔根（RFC 9162）。`,
    ],
    ['下步措施', NEXT_STEPS_NOTE],
  ]);
  sheets.push(RECEIPT_SHEET);
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  return { data, sheets, rows: city.rows.length };
};
