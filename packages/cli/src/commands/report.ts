import type { ReportResult } from '@minsheng/ledger';
import { t } from '../language';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { date, nonEmpty, wholeNumber } from '../parse';
import { actorInput, actorOptions, figureInput, figureOptions, type ActorOpts, type FigureOpts } from './figure-options';
import { planIdOf, planOption } from './plan-option';
import { checkWriteClock, ledgerCommand, runOf } from './shared';
import { signatureInput, signOption } from './sign-option';

/** Whether the event completed its task; with --no-project the check (it reads the read model) is left to `minsheng worker`. */
export const completionLine = (r: ReportResult, projected = true): string =>
  !projected
    ? t('report.completionByWorker', { task: r.task })
    : r.completedTask
    ? t('report.completed', { task: r.task })
    : t('report.notCompleted', { task: r.task });

export const registerReport = (program: Command): void => {
  const cmd = planOption(ledgerCommand(program, 'report', t('help.cmd.report')))
    .requiredOption('--task <n>', t('help.audit.task'), wholeNumber)
    .requiredOption('--metric <id>', t('help.report.metric'), nonEmpty)
    .requiredOption('--place <name>', t('help.report.place'), nonEmpty)
    .requiredOption('--as-of <date>', t('help.report.as-of'), date);
  signOption(actorOptions(figureOptions(cmd)));
  cmd.action(async () => {
    const o = cmd.opts<FigureOpts & ActorOpts & { signWith?: string; task: number; metric: string; place: string; asOf: string }>();
    const run = runOf(cmd);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'report');
      return unwrap(
        l.ledger.report({ ...planIdOf(cmd), task: o.task, metric: o.metric, place: o.place, asOf: o.asOf, ...figureInput(o), ...actorInput(o), ...signatureInput(o) }),
      );
    });
    if (run.json) return printJson(r);
    printLines([t('report.recorded', { eventId: r.eventId, position: r.position }), completionLine(r, run.project)]);
  });
};
