import type { Command } from 'commander';
import { targetText } from '@minsheng/projections';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import { t } from '../language';
import { CATALOGUES, type MessageKey } from '../messages';
import { planIdOf, planOption } from './plan-option';
import { figureContext, ledgerCommand, runOf } from './shared';

export const registerPlanShow = (plan: Command): void => {
  const cmd = planOption(ledgerCommand(plan, 'show', t('help.cmd.plan.show')));
  cmd.action(async () => {
    const run = runOf(cmd);
    const { frame, targets } = await run.ledger((l) => figureContext(l, run.clock.now(), planIdOf(cmd).planId), { reads: true });
    if (run.json) return printJson({ frame, targets: [...targets.values()] });
    const unit = (id: string) => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;
    const deadline = (id: string) => frame.deadlines.find((d) => d.id === id);
    const word = (prefix: string, w: string) => (`${prefix}${w}` in CATALOGUES.en ? t(`${prefix}${w}` as MessageKey) : w);
    const lines = [
      frame.title,
      t('planShow.header', { document: frame.document, issuedBy: frame.issuedBy, publishedOn: frame.publishedOn, start: frame.periodStart, end: frame.periodEnd, timeZone: frame.timeZone }),
      t('planShow.places', { places: frame.places.map((p) => p.name).join('、') }),
      '',
      t('planShow.deadlines'),
      ...renderTable(
        [{ header: t('planShow.col.id') }, { header: t('planShow.col.kind') }, { header: t('deadlines.col.due') }, { header: t('planShow.col.appliesTo') }, { header: t('planShow.col.description'), max: 60 }],
        frame.deadlines.map((d) => [d.id, word('planShow.deadlineKind.', d.kind), d.due, word('planShow.appliesTo.', d.appliesTo), d.description]),
      ).map((l) => `  ${l}`),
    ];
    for (const task of frame.tasks) {
      const ts = [...targets.values()].filter((x) => x.task.number === task.number);
      const first = ts[0];
      // The ledger keeps units per metric; a metric without a duty of its own carries all the task's,
      // lead first, so the longest list is the task's (any other unit a metric names follows it).
      const byLength = [...ts].sort((a, b) => b.responsibleUnits.length - a.responsibleUnits.length);
      const taskUnits = [...new Set(byLength.flatMap((x) => x.responsibleUnits))];
      const units = taskUnits.map((u, i) => (i === 0 ? t('planShow.lead', { unit: unit(u) }) : unit(u))).join('、');
      const dues = first ? first.deadlines.map((id) => `${id} ${deadline(id)?.due ?? '?'}`).join(t('list.separator')) : '';
      lines.push(
        '',
        t(first?.task.outdoor ? 'planShow.taskOutdoor' : 'planShow.task', { task: task.number, title: task.title }),
        `  ${t('planShow.responsible', { units })}`,
        `  ${t('planShow.taskDeadlines', { deadlines: dues })}`,
        ...renderTable(
          [{ header: t('planShow.col.metricId') }, { header: t('col.metric'), max: 36 }, { header: t('planShow.col.kind') }, { header: t('planShow.col.level') }, { header: t('col.target'), max: 40 }],
          ts.map((x) => [x.metric.id, x.metric.name, word('planShow.targetKind.', x.target.kind), word('planShow.level.', x.metric.level), x.metric.written ?? targetText(x.target)]),
        ).map((l) => `  ${l}`),
      );
    }
    printLines(lines);
  });
};
