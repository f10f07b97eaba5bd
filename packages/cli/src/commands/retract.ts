import { t } from '../language';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { nonEmpty } from '../parse';
import { actorInput, actorOptions, type ActorOpts } from './figure-options';
import { planIdOf, planOption } from './plan-option';
import { checkWriteClock, ledgerCommand, runOf } from './shared';
import { signatureInput, signOption } from './sign-option';

export const registerRetract = (program: Command): void => {
  const cmd = planOption(ledgerCommand(program, 'retract <event-id>', t('help.cmd.retract')))
    .requiredOption('--reason <text>', t('help.retract.reason'), nonEmpty);
  signOption(actorOptions(cmd, false));
  cmd.action(async (eventId: string) => {
    const o = cmd.opts<ActorOpts & { reason: string; signWith?: string }>();
    const run = runOf(cmd);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'retract');
      return unwrap(l.ledger.retract({ ...planIdOf(cmd), eventId, reason: o.reason, ...actorInput(o), ...signatureInput(o) }));
    });
    if (run.json) return printJson(r);
    printLines([t('retract.recorded', { eventId: r.eventId, retracted: eventId, position: r.position })]);
  });
};
