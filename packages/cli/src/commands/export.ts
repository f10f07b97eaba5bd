import { boardFile, type Language } from '@minsheng/dashboard';
import { Option, type Command } from 'commander';
import { iterateAll, logAt, logEntryOf } from '@minsheng/event-store';
import { readLedgerSetting } from '@minsheng/ledger';
import { refusal, unwrap } from '../failure';
import { viewCsv } from '../output/view-csv';
import { checkOutFile, writeOutFile, type OutOptions } from '../output/out-file';
import { printJson, printLines, safeJson } from '../output/print';
import { supervisionWorkbook } from '../output/workbook';
import { exportLangOption } from './serve';
import { momentQuery } from './moment';
import { statusQuery, viewOptions } from './status';
import { ledgerCommand, runOf, type Run } from './shared';
import { checkReceiptFile, receiptFile, writeReceipt } from './export-receipt';
import { signerKeyOf } from '../key-files';
import type { SignerKey } from '@minsheng/verify';
import type { LogAt } from '@minsheng/event-store';
import { language, t } from '../language';

const positionOf = (option: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw refusal('usage.notPosition', { option, text });
  return Number(text);
};

/** `export --events`: the raw log as JSON Lines, each event as @minsheng/verify reads it. */
const exportEvents = async (run: Run, o: Record<string, string | boolean | undefined>, out: { force: boolean; ledgerFile?: string }): Promise<void> => {
  const from = positionOf('--from', o.from as string | undefined, 1);
  const to = positionOf('--to', o.to as string | undefined, Number.MAX_SAFE_INTEGER);
  if (from > to) throw refusal('usage.fromAfterToPosition', { from, to });
  const lines: string[] = [];
  await run.engine(async (e) => {
    for await (const ev of iterateAll(e.store, { raw: true, fromPosition: from - 1, batchSize: 1000 })) {
      if (ev.position > to) break;
      lines.push(JSON.stringify(logEntryOf(ev)));
    }
  }, { reads: true });
  const text = lines.length ? `${lines.join('\n')}\n` : '';
  if (o.out === undefined) return void process.stdout.write(text);
  writeOutFile(o.out as string, text, out);
  if (run.json) return printJson({ file: o.out, events: lines.length });
  printLines([t('export.events', { count: lines.length, from, to: from + lines.length - 1, file: o.out as string })]);
};

/** With --key, the receipt of a view written to --out: signed, beside it; the line that says so. */
const signed = (run: Run, o: Record<string, any>, out: OutOptions, bytes: string | Uint8Array, key: SignerKey | undefined, log: LogAt | undefined, view: { planId: string; asOf: string; knownAt: string }): string[] => {
  if (!key || !log) return [];
  const file = writeReceipt(o.out as string, bytes, { key, log, format: o.format as string, plan: view.planId, asOf: view.asOf, knownAt: view.knownAt, time: run.clock.now() }, out);
  return [t('export.receipt', { count: log.size, signer: key.name, file })];
};

/** The log as it stood at a view's known-at: what its receipt signs. Read only when signing. */
const logOfView = (store: Parameters<typeof logAt>[0], key: SignerKey | undefined, knownAt: string): Promise<LogAt | undefined> =>
  key ? logAt(store, new Date(knownAt)) : Promise.resolve(undefined);

const exportHtml = async (run: Run, o: Record<string, any>, out: OutOptions, key?: SignerKey): Promise<void> => {
  const { html, view, log } = await run.ledger(async (l) => {
    const planId = o.plan as string | undefined;
    const frame = await unwrap(l.ledger.plan(planId));
    const board = await boardFile(l.ledger, { lang: (o.lang ?? 'zh-CN') as Language, ...(planId ? { planId } : {}), ...momentQuery(o, frame.timeZone) });
    return { ...board, log: await logOfView(l.store, key, board.view.knownAt) };
  }, { reads: true });
  if (o.out === undefined) return void process.stdout.write(html);
  writeOutFile(o.out, html, out);
  const receipt = signed(run, o, out, html, key, log, view);
  if (run.json) return printJson({ file: o.out, rows: view.rows.length, format: 'html', ...(receipt.length ? { receipt: receiptFile(o.out), log } : {}) });
  printLines([t('export.board', { count: view.rows.length, asOf: view.asOf, file: o.out }), ...receipt]);
};

/** `export --format xlsx`: the supervision workbook, every view read at one moment, with the log as it stood then. */
const exportXlsx = async (run: Run, o: Record<string, any>, out: OutOptions, key?: SignerKey): Promise<void> => {
  const input = await run.ledger(async (l) => {
    const frame = await unwrap(l.ledger.plan(o.plan as string | undefined));
    const city = await unwrap(l.ledger.status({ ...statusQuery(o, frame.timeZone), groupBy: 'task' }));
    // The other views at the city view's moment, so a record appended meanwhile is in none or all.
    const moment = { planId: frame.planId, asOf: city.asOf, knownAt: new Date(city.knownAt) };
    const districts = await unwrap(l.ledger.status({ ...moment, groupBy: 'district' }));
    const units = await unwrap(l.ledger.status({ ...moment, groupBy: 'unit' }));
    const { head } = await unwrap(readLedgerSetting(l.store));
    // What the views were computed from: the events recorded by known-at, a prefix of the log.
    const known = await logAt(l.store, moment.knownAt);
    return { frame, city, districts, units, head, known };
  }, { reads: true });
  const book = await supervisionWorkbook(input);
  writeOutFile(o.out, book.data, out);
  const receipt = signed(run, o, out, book.data, key, input.known, input.city);
  if (run.json) return printJson({ file: o.out, format: 'xlsx', sheets: book.sheets, rows: book.rows, log: input.known, ...(receipt.length ? { receipt: receiptFile(o.out) } : {}) });
  printLines([t('export.workbook', { sheets: book.sheets.length, count: book.rows, asOf: input.city.asOf, file: o.out }), ...receipt]);
};

export const registerExport = (program: Command): void => {
  const cmd = exportLangOption(viewOptions(
    ledgerCommand(program, 'export', t('help.cmd.export'))
      .addOption(
        new Option('--format <format>', t('help.export.format'))
          .choices(['csv', 'json', 'html', 'xlsx'])
          .default('csv'),
      )
      .option('--out <file>', t('help.export.out'))
      .option('--force', t('help.export.force'))
      .option('--key <file>', t('help.export.key'))
      .option('--events', t('help.export.events'))
      .option('--from <position>', t('help.export.from'))
      .option('--to <position>', t('help.export.to')),
  ));
  cmd.action(async () => {
    const o = cmd.opts();
    const run = runOf(cmd);
    const out = { force: o.force === true, ...(run.location.kind === 'sqlite' ? { ledgerFile: run.location.file } : {}) };
    if (o.format === 'html' || o.format === 'xlsx') {
      for (const [flag, key] of [['group-by', 'groupBy'], ['place', 'place'], ['responsible-unit', 'responsibleUnit']] as const)
        if (o[key] !== undefined) throw refusal(o.format === 'html' ? 'usage.viewOptionHtml' : 'usage.viewOptionXlsx', { flag });
    }
    // csv is in the CLI's language (--lang, $MINSHENG_LANG, the plan's locale); json is for programs, xlsx is filed in Chinese.
    if ((o.format === 'json' || o.format === 'xlsx') && o.lang !== 'zh-CN' && cmd.getOptionValueSource('lang') === 'cli')
      throw refusal(o.format === 'xlsx' ? 'usage.langXlsx' : 'usage.langJson');
    if (o.format === 'xlsx' && o.out === undefined && !o.events)
      throw refusal('usage.xlsxNeedsOut');
    if (o.events && o.key !== undefined) throw refusal('usage.keyWithEvents');
    if (o.key !== undefined) checkReceiptFile(o.out, out);
    const key = o.key !== undefined ? signerKeyOf(o.key as string) : undefined;
    if (o.out !== undefined) checkOutFile(o.out, out);
    if (o.events) return exportEvents(run, o, out);
    if (o.from !== undefined || o.to !== undefined) throw refusal('usage.fromToWithoutEvents');
    if (o.format === 'html') return exportHtml(run, o, out, key);
    if (o.format === 'xlsx') return exportXlsx(run, o, out, key);
    const { view, log, timeZone } = await run.ledger(async (l) => {
      const frame = await unwrap(l.ledger.plan(o.plan as string | undefined));
      const v = await unwrap(l.ledger.status(statusQuery(o, frame.timeZone)));
      return { view: v, log: await logOfView(l.store, key, v.knownAt), timeZone: frame.timeZone };
    }, { reads: true });
    const text = o.format === 'json' ? `${safeJson(view, 2)}\n` : viewCsv(view, { lang: language(), timeZone });
    if (o.out === undefined) return void process.stdout.write(text);
    writeOutFile(o.out, text, out);
    const receipt = signed(run, o, out, text, key, log, view);
    if (run.json) return printJson({ file: o.out, rows: view.rows.length, format: o.format, ...(receipt.length ? { receipt: receiptFile(o.out), log } : {}) });
    printLines([t('export.rows', { count: view.rows.length, view: t(`export.view.${view.groupBy}`), asOf: view.asOf, file: o.out }), ...receipt]);
  });
};
