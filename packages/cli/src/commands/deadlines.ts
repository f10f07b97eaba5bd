import { t } from '../language';
import { say, shapes } from '../sentences';
import type { DeadlineMissedData } from '@minsheng/ledger';
import type { Command } from 'commander';
import { LEDGER_INDEX, shortfallText } from '@minsheng/projections';
import { failed, unwrap } from '../failure';
import type { OpenLedger } from '../open-ledger';
import { wholeNumber } from '../parse';
import { localTimeWithZone } from '../output/time';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import type { FigureContext } from '../output/figures';
import { planIdOf, planOption } from './plan-option';
import { checkWriteClock, figureContext, ledgerCommand, runOf } from './shared';

/** A shortfall as the ledger words it (ledger/src/deadlines.ts, core/src/kinds/rules.ts); a number stays as it is. */
const SHORTFALLS = shapes([
  [/^no report$/, 'deadlines.noReport'],
  [/^(?<count>\d+) places$/, 'deadlines.placesShort'],
]);

export const missedTable = (missed: readonly DeadlineMissedData[], fc: FigureContext): string[] =>
  renderTable(
    [
      { header: t('col.task'), align: 'right' },
      { header: t('col.metric'), max: 30 },
      { header: t('deadlines.col.deadline') },
      { header: t('deadlines.col.due') },
      { header: t('col.figure'), align: 'right' },
      { header: t('col.target'), max: 22 },
      { header: t('deadlines.col.shortfall'), align: 'right' },
    ],
    missed.map((m) => [String(m.task), fc.targets.get(m.metric)?.metric.name ?? m.metric, m.deadline, m.due, m.value ?? '-', m.target, m.shortfall === null ? m.shortfall : (say(SHORTFALLS, m.shortfall) ?? shortfallText(m.shortfall))]),
  );

/**
 * A deadline is judged on the read model: one that lags would call a report that is in the
 * log but not yet indexed missing. Under --no-project, wait for the workers to index the
 * log as it stood when the command started, or give up without recording anything.
 */
const waitForWorkers = async (l: OpenLedger, ms: number): Promise<void> => {
  const head = await unwrap(l.store.headPosition());
  const end = Date.now() + ms;
  for (;;) {
    const at = await l.readModel.reader.checkpoint(LEDGER_INDEX);
    if (at >= head) return;
    if (Date.now() >= end)
      throw failed(t('deadlines.behind', { count: head - at, seconds: (ms / 1000).toFixed(1) }));
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** How far --now may be from the system clock and still count as the present on a production ledger. */
export const PRESENT_TOLERANCE_MS = 120_000;

export const registerDeadlines = (program: Command): void => {
  const cmd = planOption(ledgerCommand(
    program,
    'deadlines',
    t('help.cmd.deadlines'),
  )).option('--wait-ms <n>', t('help.deadlines.wait-ms'), wholeNumber, 30_000);
  cmd.action(async () => {
    const run = runOf(cmd);
    const waitMs = cmd.opts<{ waitMs: number }>().waitMs;
    const { missed, fc, now, dryRun } = await run.ledger(async (l) => {
      const setting = await unwrap(l.ledger.setting());
      // A production ledger judges by the system clock only: another time is a question, not a record.
      const dryRun = setting.mode === 'production' && run.now !== null && Math.abs(run.now.at.getTime() - Date.now()) > PRESENT_TOLERANCE_MS;
      if (!dryRun && setting.mode === 'simulated') await checkWriteClock(run, l.store, 'deadlines');
      const now = dryRun || setting.mode === 'simulated' ? run.clock.now() : new Date();
      if (!run.project) await waitForWorkers(l, waitMs);
      const { planId } = planIdOf(cmd);
      const missed = await unwrap(l.ledger.checkDeadlines(planId, { dryRun }));
      return { missed, fc: await figureContext(l, now, planId), now, dryRun };
    });
    if (run.json) return printJson(dryRun ? { dryRun: true, at: now.toISOString(), wouldRecord: missed } : missed);
    const at = localTimeWithZone(now.toISOString(), fc.frame.timeZone);
    if (dryRun) {
      const why = t('deadlines.dryRun', { option: run.now!.option, text: run.now!.text });
      if (!missed.length) return printLines([t('deadlines.wouldNone', { at }), why]);
      return printLines([t('deadlines.wouldRecord', { count: missed.length, at }), ...missedTable(missed, fc), why]);
    }
    if (!missed.length) return printLines([t('deadlines.none', { at })]);
    printLines([t('deadlines.recorded', { count: missed.length, at }), ...missedTable(missed, fc)]);
  });
};
