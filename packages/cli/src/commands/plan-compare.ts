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
      t('planCompare.head', { from: c.from.planId, fromAsOf: c.from.asOf, to: c.to.planId, toAsOf: c.to.asOf, count: c.metrics.length }),
    ];
    if (c.metrics.length)
      lines.push(
        ...renderTable(
          [
            { header: t('planCompare.col.metric') },
            { header: t('planCompare.col.name'), max: 30 },
            { header: t('planCompare.col.target', { plan: c.from.planId }), max: 24 },
            { header: t('planCompare.col.figure', { plan: c.from.planId }), align: 'right' },
            { header: t('planCompare.col.target', { plan: c.to.planId }), max: 24 },
            { header: t('planCompare.col.figure', { plan: c.to.planId }), align: 'right' },
            { header: t('planCompare.col.change'), align: 'right' },
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
    if (c.onlyFrom.length) lines.push(t('planCompare.onlyFrom', { plan: c.from.planId, count: c.onlyFrom.length }));
    if (c.onlyTo.length) lines.push(t('planCompare.onlyTo', { plan: c.to.planId, metrics: c.onlyTo.join(t('list.separator')) }));
    printLines(lines);
  });
};
