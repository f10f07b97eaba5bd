import type { ReportResult } from '@minsheng/ledger';
import { t } from '../language';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { date, nonEmpty, wholeNumber } from '../parse';
import { actorInput, actorOptions, figureInput, figureOptions, type ActorOpts, type FigureOpts } from './figure-options';
import { planIdOf, planOption } from './plan-option';
import { checkWriteClock, ledgerCommand, runOf } from './shared';

/** Whether the event completed its task; with --no-project the check (it reads the read model) is left to `minsheng worker`. */
export const completionLine = (r: ReportResult, projected = true): string =>
  !projected
    ? t('report.completionByWorker', { task: r.task })
    : r.completedTask
    ? t('report.completed', { task: r.task })
    : t('report.notCompleted', { task: r.task });

export const registerReport = (program: Command): void => {
  const cmd = planOption(ledgerCommand(program, 'report', "record a responsible unit's cumulative figure for a task's metric in a place, as of a date"))
    .requiredOption('--task <n>', 'the task number', wholeNumber)
    .requiredOption('--metric <id>', 'the metric id, e.g. t13-gas-pipe-renewal (see `minsheng plan show`)', nonEmpty)
    .requiredOption('--place <name>', 'the place, by name (道里区) or id; the city for a city-wide figure', nonEmpty)
    .requiredOption('--as-of <date>', 'the date the cumulative figure is as of, YYYY-MM-DD', date);
  actorOptions(figureOptions(cmd));
  cmd.action(async () => {
    const o = cmd.opts<FigureOpts & ActorOpts & { task: number; metric: string; place: string; asOf: string }>();
    const run = runOf(cmd);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'report');
      return unwrap(
        l.ledger.report({ ...planIdOf(cmd), task: o.task, metric: o.metric, place: o.place, asOf: o.asOf, ...figureInput(o), ...actorInput(o) }),
      );
    });
    if (run.json) return printJson(r);
    printLines([t('report.recorded', { eventId: r.eventId, position: r.position }), completionLine(r, run.project)]);
  });
};
