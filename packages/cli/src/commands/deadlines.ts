import type { DeadlineMissedData } from '@minsheng/ledger';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { localTimeWithZone } from '../output/time';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import type { FigureContext } from '../output/figures';
import { figureContext, ledgerCommand, runOf } from './shared';

export const missedTable = (missed: readonly DeadlineMissedData[], fc: FigureContext): string[] =>
  renderTable(
    [
      { header: 'Task', align: 'right' },
      { header: 'Metric', max: 30 },
      { header: 'Deadline' },
      { header: 'Due' },
      { header: 'Figure', align: 'right' },
      { header: 'Target', max: 22 },
      { header: 'Shortfall', align: 'right' },
    ],
    missed.map((m) => [String(m.task), fc.targets.get(m.metric)?.metric.name ?? m.metric, m.deadline, m.due, m.value ?? '-', m.target, m.shortfall]),
  );

export const registerDeadlines = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'deadlines',
    'record every deadline that has passed by the clock (--now) with its target unmet or no report; once each',
  );
  cmd.action(async () => {
    const run = runOf(cmd);
    const now = run.clock.now();
    const { missed, fc } = await run.ledger(async (l) => {
      const missed = await unwrap(l.ledger.checkDeadlines());
      return { missed, fc: await figureContext(l, now) };
    });
    if (run.json) return printJson(missed);
    const at = localTimeWithZone(now.toISOString(), fc.frame.timeZone);
    if (!missed.length) return printLines([`no deadline newly missed at ${at}; nothing recorded`]);
    printLines([`recorded ${missed.length} missed deadline${missed.length === 1 ? '' : 's'} at ${at}:`, ...missedTable(missed, fc)]);
  });
};
