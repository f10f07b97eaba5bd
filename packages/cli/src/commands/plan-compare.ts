import type { Command } from 'commander';
import { unwrap } from '../failure';
import { nonEmpty } from '../parse';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

/** Year over year: `minsheng plan compare <from> <to>`, the metrics two plans share, side by side. */
export const registerPlanCompare = (plan: Command): void => {
  const cmd = ledgerCommand(
    plan,
    'compare <from> <to>',
    t('help.cmd.plan.compare'),
  );
  cmd.action(async (from: string, to: string) => {
    nonEmpty(from);
    nonEmpty(to);
    const run = runOf(cmd);
    const c = await run.ledger((l) => unwrap(l.ledger.compare({ from, to })), { reads: true });
    if (run.json) return printJson(c);
    const unit = (v: string | null, u: string | null) => (v === null ? '-' : u === '%' ? `${v}%` : u ? `${v} ${u}` : v);
    const lines = [
      `${c.from.planId} (as of ${c.from.asOf}) → ${c.to.planId} (as of ${c.to.asOf}): ${c.metrics.length} metric${c.metrics.length === 1 ? '' : 's'} in both`,
    ];
    if (c.metrics.length)
      lines.push(
        ...renderTable(
          [
            { header: 'Metric' },
            { header: 'Name', max: 30 },
            { header: `Target ${c.from.planId}`, max: 24 },
            { header: `Figure ${c.from.planId}`, align: 'right' },
            { header: `Target ${c.to.planId}`, max: 24 },
            { header: `Figure ${c.to.planId}`, align: 'right' },
            { header: 'Change', align: 'right' },
          ],
          c.metrics.map((m) => [
            m.metric,
            m.metricName,
            m.fromTarget,
            unit(m.fromValue, m.unit),
            m.toTarget,
            unit(m.toValue, m.unit),
            m.change === null ? '-' : `${m.change.startsWith('-') ? '' : '+'}${m.change}`,
          ]),
        ),
      );
    if (c.onlyFrom.length) lines.push(`only in ${c.from.planId}: ${c.onlyFrom.length} metric${c.onlyFrom.length === 1 ? '' : 's'}`);
    if (c.onlyTo.length) lines.push(`only in ${c.to.planId}: ${c.onlyTo.join(', ')}`);
    printLines(lines);
  });
};
