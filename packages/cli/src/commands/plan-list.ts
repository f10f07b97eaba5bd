import { t } from '../language';
import type { Command } from 'commander';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import { ledgerCommand, runOf } from './shared';

export interface PlanListRow {
  readonly planId: string;
  readonly title: string;
  readonly document: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly tasks: number;
  readonly metrics: number;
}

export const registerPlanList = (plan: Command): void => {
  const cmd = ledgerCommand(plan, 'list', t('help.cmd.plan.list'));
  cmd.action(async () => {
    const run = runOf(cmd);
    const rows = await run.ledger(async (l) => {
      const at = run.clock.now().getTime();
      const ids = await l.readModel.reader.planIds();
      const rows: PlanListRow[] = [];
      for (const planId of ids) {
        const frame = (await l.readModel.reader.frame(planId, at))?.data;
        if (!frame) continue;
        const targets = await l.readModel.reader.targets(planId, at);
        rows.push({
          planId,
          title: frame.title,
          document: frame.document,
          periodStart: frame.periodStart,
          periodEnd: frame.periodEnd,
          tasks: frame.tasks.length,
          metrics: targets.length,
        });
      }
      return rows;
    }, { reads: true });
    if (run.json) return printJson(rows);
    if (!rows.length) return printLines([t('plans.none')]);
    printLines(
      renderTable(
        [
          { header: t('plans.col.plan') },
          { header: t('plans.col.title'), max: 40 },
          { header: t('plans.col.document') },
          { header: t('plans.col.period') },
          { header: t('plans.col.tasks'), align: 'right' },
          { header: t('plans.col.metrics'), align: 'right' },
        ],
        rows.map((r) => [r.planId, r.title, r.document, t('plans.period', { start: r.periodStart, end: r.periodEnd }), String(r.tasks), String(r.metrics)]),
      ),
    );
  });
};
