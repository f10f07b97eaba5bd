import type { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { fromLedgerFailure, refusal, unwrap } from '../failure';
import { EVENT_STORE_SCHEMA } from '../open-ledger';
import { printJson, printLines } from '../output/print';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

export const registerInit = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'init',
    t('help.cmd.init'),
    { project: false },
  ).option(
    '--simulated',
    t('help.init.simulated'),
  );
  cmd.action(async () => {
    const run = runOf(cmd);
    const simulated = cmd.opts<{ simulated?: boolean }>().simulated === true;
    if (run.now && !simulated)
      throw refusal('usage.nowNeedsSimulated', { option: run.now.option, text: run.now.text });
    const mode = simulated ? 'simulated' : 'production';
    const r = await run.ledger(
      async (l) => {
        const init = await l.ledger.init(mode)();
        if (isLeft(init) && init.left._tag === 'ModeRefused')
          throw refusal(init.left.mode === 'production' ? 'usage.modeFixedProduction' : 'usage.modeFixed', {
            where: l.where,
            mode: t(`refusal.mode.${init.left.mode}`),
            count: await unwrap(l.store.headPosition()),
          });
        if (isLeft(init)) throw fromLedgerFailure(init.left);
        const created = init.right;
        return { where: l.where, created: created.created, events: created.head, mode, kind: l.kind, readModel: l.readModelVersion };
      },
      { create: true },
    );
    const { kind, readModel, ...result } = r;
    if (run.json) return printJson(result);
    const schemas = kind === 'postgres' ? t('init.schemas', { eventStore: EVENT_STORE_SCHEMA, readModel }) : '';
    const modeWord = t(`refusal.mode.${mode}`);
    printLines([
      r.created
        ? t('init.created', { mode: modeWord, where: r.where, schemas, clock: simulated ? t('init.clock') : '' })
        : t('init.exists', { where: r.where, count: r.events, mode: modeWord }),
    ]);
  });
};
