import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLog, isFault, type LogEntry } from '@minsheng/verify';
import { Workbook, type Worksheet } from 'exceljs';
import { expectRefusal } from './testing/flows';
import { parseCsv } from './testing/csv';
import { cli, json, tempDir } from './testing/run-cli';

// The demo records a simulated year (about 1600 events) first: some seconds.
jest.setTimeout(180_000);

const HEADERS = ['序号', '任务', '指标', '目标', '牵头单位/责任单位', '截至日期', '完成值', '完成比例', '序时进度', '状态', '存在问题', '下步措施'];
const AS_OF = '2024-12-31';

/** A sheet's rows below the header, each as its cell values from column 1. */
const body = (ws: Worksheet): unknown[][] => {
  const rows: unknown[][] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
};
const header = (ws: Worksheet): unknown[] => (ws.getRow(1).values as unknown[]).slice(1);


const soffice = ['soffice', 'libreoffice'].find((c) => spawnSync('which', [c]).status === 0);

describe('export --format xlsx: the supervision workbook (督办台账)', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'ledger.db');
  const at = ['--db', db];
  const file = join(tmp.dir, 'ledger.xlsx');
  let result: any;
  let wb: Workbook;

  beforeAll(async () => {
    if (!soffice) console.warn('no soffice or libreoffice on this machine: the LibreOffice conversion check is skipped');
    expect(cli(['demo', ...at]).code).toBe(0);
    result = json(cli(['export', ...at, '--format', 'xlsx', '--as-of', AS_OF, '--out', file, '--json']));
    wb = new Workbook();
    await wb.xlsx.readFile(file);
  });
  afterAll(() => tmp.remove());

  it('reports the file, its sheets and the city view\'s rows, and says so in one line without --json', () => {
    const city = json(cli(['status', ...at, '--as-of', AS_OF, '--json']));
    expect(result).toEqual({ file, format: 'xlsx', sheets: wb.worksheets.map((w) => w.name), rows: city.rows.length, log: expect.any(Object) });
    expect(result.sheets[0]).toBe('督办台账');
    expect(result.sheets[result.sheets.length - 1]).toBe('凭据');
    const other = join(tmp.dir, 'again.xlsx');
    const r = cli(['export', ...at, '--format', 'xlsx', '--as-of', AS_OF, '--out', other]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote the supervision workbook (${result.sheets.length} sheets, ${city.rows.length} rows of the city view, as of ${AS_OF}) to ${other}\n`);
  });

  it('has the city view by task: one row per metric, Chinese headers, a frozen header row', () => {
    const city = json(cli(['status', ...at, '--as-of', AS_OF, '--json']));
    const ws = wb.getWorksheet('督办台账')!;
    expect(header(ws)).toEqual(HEADERS);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows = body(ws);
    expect(rows).toHaveLength(city.rows.length);
    expect(rows.map((r) => r[2])).toEqual(city.rows.map((r: any) => r.metricName));
    expect(rows.map((r) => r[0])).toEqual(city.rows.map((_: unknown, i: number) => i + 1));
    expect(ws.getColumn(2).width).toBeGreaterThan(20);
    // A note on 下步措施: the ledger has no such field yet.
    expect(String(ws.getRow(1).getCell(12).note)).toContain('尚无');
  });

  it('shows task 13\'s gas pipes with its figure, percents as numbers with one decimal, and the status word in Chinese', () => {
    const city = json(cli(['status', ...at, '--as-of', AS_OF, '--json']));
    const gas = city.rows.find((r: any) => r.metric === 't13-gas-pipe-renewal');
    const ws = wb.getWorksheet('督办台账')!;
    const n = body(ws).findIndex((r) => r[2] === '改造老化燃气管道') + 2;
    const row = ws.getRow(n);
    expect(row.getCell(2).value).toBe('13. 提升城镇燃气覆盖率和用气安全');
    expect(row.getCell(4).value).toBe(gas.target);
    expect(row.getCell(5).value).toBe(gas.responsibleUnits.join('、'));
    expect(row.getCell(6).value).toBe(gas.due);
    expect(row.getCell(7).value).toBe(Number(gas.value));
    expect(row.getCell(7).numFmt).toBe('General" 公里"');
    expect(row.getCell(8).value).toBe(Number(gas.percent));
    expect(row.getCell(8).numFmt).toBe('0.0"%"');
    expect(row.getCell(9).value).toBe(Number(gas.scheduled));
    expect(gas.status).toBe('complete');
    expect(row.getCell(10).value).toBe('已完成');
  });

  it('keeps every decimal exact: a number only where the number is the decimal, else the text', () => {
    const city = json(cli(['status', ...at, '--as-of', AS_OF, '--json']));
    const rows = body(wb.getWorksheet('督办台账')!);
    const decimals = city.rows.filter((r: any) => r.value?.includes('.'));
    expect(decimals.length).toBeGreaterThan(0);
    city.rows.forEach((r: any, i: number) => {
      const cell = rows[i]![6];
      if (r.value === null) return expect(cell ?? null).toBeNull();
      if (typeof cell === 'number') expect(Number(r.value)).toBe(cell);
      else expect(cell).toBe(r.unit ? `${r.value} ${r.unit}` : r.value);
    });
    // 改造供热老旧管网 220.4 公里 stays 220.4.
    const heating = city.rows.findIndex((r: any) => r.metric === 't18-old-heating-pipes');
    expect(String(rows[heating]![6])).toBe(city.rows[heating].value);
    expect(rows[heating]![10]).toMatch(/2024-10-31前未按期完成：其中涉及室外施工作业的民生项目要确保在10月底前全面完工(；|$)/);
  });

  it('has a sheet per district and per responsible unit with that view\'s rows', () => {
    const district = json(cli(['status', ...at, '--as-of', AS_OF, '--place', '道里区', '--json']));
    const ws = wb.getWorksheet('道里区')!;
    expect(header(ws)).toEqual(HEADERS);
    expect(body(ws).map((r) => r[2])).toEqual(district.rows.map((r: any) => r.metricName));
    const unit = json(cli(['status', ...at, '--as-of', AS_OF, '--responsible-unit', '市住建局', '--json']));
    const us = wb.getWorksheet('市住建局')!;
    expect(header(us)).toEqual([...HEADERS.slice(0, 5), '职责', ...HEADERS.slice(5)]);
    expect(us.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(body(us).map((r) => [r[2], r[5]])).toEqual(unit.rows.map((r: any) => [r.metricName, r.role === 'lead' ? '牵头' : '配合']));
    for (const name of result.sheets) expect(name).toMatch(/^[^:\\/?*[\]]{1,31}$/);
    expect(new Set(result.sheets).size).toBe(result.sheets.length);
  });

  it('ends with a receipt: the plan, the moment, and the log\'s head as verify reports it', () => {
    const verified = json(cli(['verify', ...at, '--json']));
    const receipt = new Map(body(wb.getWorksheet('凭据')!).map((r) => [r[0], r[1]]));
    expect(receipt.get('计划编号')).toBe('harbin-2024');
    expect(receipt.get('计划名称')).toMatch(/民生实事/);
    expect(receipt.get('数据截至日期（as of）')).toBe(AS_OF);
    expect(receipt.get('账本记录截至（known at）')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(\+08:00\)$/);
    expect(receipt.get('日志头位置（导出时）')).toBe(verified.events);
    expect(receipt.get('日志头哈希（导出时）')).toBe(verified.head);
    // Read now, the views were computed from the whole log.
    expect(receipt.get('截至 known at 的事件数')).toBe(verified.events);
    expect(receipt.get(`第 ${verified.events} 个事件的哈希`)).toBe(verified.head);
    expect(result.log).toEqual({ size: verified.events, hash: verified.head, root: receipt.get(`前 ${verified.events} 个事件的默克尔根`) });
  });

  it('names the log as it stood at a past --known-at: its size, last hash and Merkle root, computed here from the exported events', async () => {
    const KNOWN_AT = '2024-10-31';
    const past = join(tmp.dir, 'past.xlsx');
    const r = json(cli(['export', ...at, '--format', 'xlsx', '--as-of', '2024-10-31', '--known-at', KNOWN_AT, '--out', past, '--json']));
    const wbPast = new Workbook();
    await wbPast.xlsx.readFile(past);
    const receipt = new Map(body(wbPast.getWorksheet('凭据')!).map((row) => [row[0], row[1]]));
    // Independently: the exported log, the events recorded by the end of 31 October in Harbin, their tree.
    const log = join(tmp.dir, 'events.jsonl');
    expect(cli(['export', ...at, '--events', '--out', log]).code).toBe(0);
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);
    const end = Date.parse('2024-10-31T23:59:59.999+08:00');
    const known = events.filter((e) => Date.parse((e.metadata as { recordedAt: string }).recordedAt) <= end);
    expect(known.length).toBeGreaterThan(0);
    expect(known.length).toBeLessThan(events.length);
    expect(known.map((e) => e.position)).toEqual(events.slice(0, known.length).map((e) => e.position));
    const checked = checkLog(known);
    if (isFault(checked)) throw new Error(`the exported log fails: ${checked.reason}`);
    const n = known.length;
    expect(r.log).toEqual({ size: n, hash: checked.headHash, root: checked.tree.root(n).toString('hex') });
    expect(receipt.get('截至 known at 的事件数')).toBe(n);
    expect(receipt.get(`第 ${n} 个事件的哈希`)).toBe(checked.headHash);
    expect(receipt.get(`前 ${n} 个事件的默克尔根`)).toBe(checked.tree.root(n).toString('hex'));
    expect(receipt.get('核验')).toContain(`minsheng export --events --to ${n}`);
    // The head when the file was written is still the whole log's.
    expect(receipt.get('日志头位置（导出时）')).toBe(events.length);
  });

  (soffice ? it : it.skip)(`opens in LibreOffice${soffice ? '' : ' (skipped: no soffice or libreoffice on this machine)'}`, () => {
    const dir = join(tmp.dir, 'lo');
    // Filter options 44,34,76: comma, double quote, UTF-8 (the default is the system's 8-bit charset).
    const r = spawnSync(soffice!, ['--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const rows = parseCsv(readFileSync(join(dir, 'ledger.csv'), 'utf8'));
    expect(rows[0]).toEqual(HEADERS);
    const city = body(wb.getWorksheet('督办台账')!);
    expect(rows.length - 1).toBe(city.length);
    // LibreOffice reads the same cells: the task, the status word, and each percent shown with one decimal.
    rows.slice(1).forEach((row, i) => {
      expect([row[0], row[1], row[2], row[9]]).toEqual([String(city[i]![0]), city[i]![1], city[i]![2], city[i]![9]]);
      for (const c of [7, 8]) if (typeof city[i]![c] === 'number') expect(row[c]).toBe(`${(city[i]![c] as number).toFixed(1)}%`);
    });
    expect(rows.some((row) => /改造老化燃气管道/.test(row[2]!))).toBe(true);
  });

  it.each([
    [['--format', 'xlsx'], /--format xlsx writes a binary workbook: give --out <file> \(nothing was written\)$/, false],
    [['--format', 'xlsx', '--group-by', 'district'], /--group-by is for csv and json: --format xlsx writes every view \(the city, each district, each unit\)$/, true],
    [['--format', 'xlsx', '--place', '道里区'], /--place is for csv and json: --format xlsx writes every view/, true],
    [['--format', 'xlsx', '--responsible-unit', '市住建局'], /--responsible-unit is for csv and json: --format xlsx writes every view/, true],
    [['--format', 'xlsx', '--lang', 'en'], /--lang is for --format csv and html: the xlsx workbook is in Chinese/, true],
    [['--format', 'pdf'], /argument 'pdf' is invalid. Allowed choices are csv, json, html, xlsx\.$/, true],
  ])('refuses export %j with one line, writing nothing', (args, line, withOut) => {
    const out = join(tmp.dir, 'refused.xlsx');
    const before = readdirSync(tmp.dir).sort();
    expectRefusal(cli(['export', ...at, ...args, ...(withOut ? ['--out', out] : [])], {}, tmp.dir), 2, line);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).sort()).toEqual(before);
  });

  it('refuses to write over an existing file without --force', () => {
    const out = join(tmp.dir, 'kept.xlsx');
    writeFileSync(out, 'mine');
    expectRefusal(cli(['export', ...at, '--format', 'xlsx', '--out', out]), 2, /exists already; nothing was written \(give --force to replace it\)$/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });
});
