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
  const cmd = ledgerCommand(plan, 'list', 'list the plans in the ledger, with the id --plan takes');
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
    if (!rows.length) return printLines(['the ledger has no plan yet; import one with `minsheng plan import <file>`']);
    printLines(
      renderTable(
        [{ header: 'Plan' }, { header: 'Title', max: 40 }, { header: 'Document' }, { header: 'Period' }, { header: 'Tasks', align: 'right' }, { header: 'Metrics', align: 'right' }],
        rows.map((r) => [r.planId, r.title, r.document, `${r.periodStart} to ${r.periodEnd}`, String(r.tasks), String(r.metrics)]),
      ),
    );
  });
};
