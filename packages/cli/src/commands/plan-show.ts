import type { Command } from 'commander';
import { targetText } from '@minsheng/projections';
import { printJson, printLines } from '../output/print';
import { renderTable } from '../output/table';
import { planIdOf, planOption } from './plan-option';
import { figureContext, ledgerCommand, runOf } from './shared';

export const registerPlanShow = (plan: Command): void => {
  const cmd = planOption(ledgerCommand(plan, 'show', 'show the plan: tasks, metrics, targets, responsible units, deadlines'));
  cmd.action(async () => {
    const run = runOf(cmd);
    const { frame, targets } = await run.ledger((l) => figureContext(l, run.clock.now(), planIdOf(cmd).planId), { reads: true });
    if (run.json) return printJson({ frame, targets: [...targets.values()] });
    const unit = (id: string) => frame.responsibleUnits.find((u) => u.id === id)?.name ?? id;
    const deadline = (id: string) => frame.deadlines.find((d) => d.id === id);
    const lines = [
      frame.title,
      `${frame.document}, ${frame.issuedBy}, published ${frame.publishedOn}; period ${frame.periodStart} to ${frame.periodEnd} (${frame.timeZone})`,
      `Places: ${frame.places.map((p) => p.name).join('、')}`,
      '',
      'Deadlines:',
      ...renderTable(
        [{ header: 'Id' }, { header: 'Kind' }, { header: 'Due' }, { header: 'Applies to' }, { header: 'Description', max: 60 }],
        frame.deadlines.map((d) => [d.id, d.kind, d.due, d.appliesTo === 'all' ? 'every task' : 'outdoor tasks', d.description]),
      ).map((l) => `  ${l}`),
    ];
    for (const task of frame.tasks) {
      const ts = [...targets.values()].filter((t) => t.task.number === task.number);
      const first = ts[0];
      // The ledger keeps units per metric; a metric without a duty of its own carries all the task's,
      // lead first, so the longest list is the task's (any other unit a metric names follows it).
      const byLength = [...ts].sort((a, b) => b.responsibleUnits.length - a.responsibleUnits.length);
      const taskUnits = [...new Set(byLength.flatMap((t) => t.responsibleUnits))];
      const units = taskUnits.map((u, i) => (i === 0 ? `${unit(u)} (lead)` : unit(u))).join('、');
      const dues = first ? first.deadlines.map((id) => `${id} ${deadline(id)?.due ?? '?'}`).join(', ') : '';
      lines.push(
        '',
        `Task ${task.number} ${task.title}${first?.task.outdoor ? ' (outdoor)' : ''}`,
        `  responsible: ${units}`,
        `  deadlines: ${dues}`,
        ...renderTable(
          [{ header: 'Metric id' }, { header: 'Metric', max: 36 }, { header: 'Kind' }, { header: 'Level' }, { header: 'Target', max: 40 }],
          ts.map((t) => [t.metric.id, t.metric.name, t.target.kind, t.metric.level, t.metric.written ?? targetText(t.target)]),
        ).map((l) => `  ${l}`),
      );
    }
    printLines(lines);
  });
};
