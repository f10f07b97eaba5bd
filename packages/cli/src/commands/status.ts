import type { StatusQuery } from '@minsheng/ledger';
import { Option, type Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { viewHeading, viewTable } from '../output/views';
import { momentOptions, momentQuery } from './moment';
import { renamedOption } from './renamed-option';
import { planIdOf, planOption } from './plan-option';
import { figureContext, ledgerCommand, runOf } from './shared';
import { t } from '../language';

const GROUPS = ['task', 'district', 'unit'] as const;

/** --group-by, --place, --responsible-unit (the old --by and --unit still work: renamed-option.ts) and the moment. */
export const viewOptions = (cmd: Command): Command => {
  renamedOption(planOption(cmd), { option: new Option('--group-by <view>', t('help.status.by')).choices(GROUPS), old: '--by <view>', choices: GROUPS });
  cmd.option('--place <name>', t('help.status.place'));
  renamedOption(cmd, { option: new Option('--responsible-unit <name>', t('help.status.unit')), old: '--unit <name>' });
  return momentOptions(cmd);
};

export const statusQuery = (o: Record<string, unknown>, timeZone: string): StatusQuery => ({
  ...(o.plan !== undefined ? { planId: o.plan as string } : {}),
  ...(o.groupBy !== undefined ? { groupBy: o.groupBy as StatusQuery['groupBy'] } : {}),
  ...(o.place !== undefined ? { place: o.place as string } : {}),
  ...(o.responsibleUnit !== undefined ? { responsibleUnit: o.responsibleUnit as string } : {}),
  ...momentQuery(o, timeZone),
});

export const registerStatus = (program: Command): void => {
  const cmd = viewOptions(ledgerCommand(program, 'status', t('help.cmd.status')));
  cmd.action(async () => {
    const o = cmd.opts();
    const run = runOf(cmd);
    const { view, fc } = await run.ledger(async (l) => {
      const { planId } = planIdOf(cmd);
      const frame = await unwrap(l.ledger.plan(planId));
      const view = await unwrap(l.ledger.status(statusQuery(o, frame.timeZone)));
      return { view, fc: await figureContext(l, new Date(view.knownAt), frame.planId) };
    }, { reads: true });
    if (run.json) return printJson(view);
    const scope = o.place !== undefined ? view.rows[0]?.placeName ?? o.place : o.responsibleUnit;
    printLines([...viewHeading(view, fc, scope), '', ...viewTable(view, fc)]);
  });
};
