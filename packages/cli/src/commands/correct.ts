import { t } from '../language';
import type { Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { date, nonEmpty } from '../parse';
import { actorInput, actorOptions, figureInput, figureOptions, type ActorOpts, type FigureOpts } from './figure-options';
import { completionLine } from './report';
import { planIdOf, planOption } from './plan-option';
import { checkWriteClock, ledgerCommand, runOf } from './shared';
import { signatureInput, signOption } from './sign-option';

export const registerCorrect = (program: Command): void => {
  const cmd = planOption(ledgerCommand(
    program,
    'correct <event-id>',
    t('help.cmd.correct'),
  ))
    .option('--as-of <date>', t('help.correct.as-of'), date)
    .requiredOption('--reason <text>', t('help.correct.reason'), nonEmpty);
  signOption(actorOptions(figureOptions(cmd)));
  cmd.action(async (eventId: string) => {
    const o = cmd.opts<FigureOpts & ActorOpts & { signWith?: string; reason: string; asOf?: string }>();
    const run = runOf(cmd);
    const r = await run.ledger(async (l) => {
      await checkWriteClock(run, l.store, 'correct');
      return unwrap(
        l.ledger.correct({
          ...planIdOf(cmd),
          eventId,
          reason: o.reason,
          ...(o.asOf !== undefined ? { asOf: o.asOf } : {}),
          ...figureInput(o),
          ...actorInput(o),
          ...signatureInput(o),
        }),
      );
    });
    if (run.json) return printJson(r);
    printLines([t('correct.recorded', { eventId: r.eventId, corrected: eventId, position: r.position }), completionLine(r, run.project)]);
  });
};
