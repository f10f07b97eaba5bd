import { createDashboard, type Language } from '@minsheng/dashboard';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { failure, unwrap } from '../failure';
import { reasonOf } from '../open-ledger';
import { printJson, printLines } from '../output/print';
import { nonEmpty } from '../parse';
import { planIdOf } from './plan-option';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

const port = (value: string): number => {
  if (!/^[0-9]+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('It must be a port number from 0 to 65535 (0: any free port).');
  return Number(value);
};

/** --lang: the language of the words people read (zh-CN first). */
export const langOption = (cmd: Command): Command =>
  cmd.addOption(new Option('--lang <lang>', t('help.serve.lang')).choices(['zh-CN', 'en']).default('zh-CN'));

/** export's --lang: the board's words (html, zh-CN unless given) or the CSV's (the CLI's language): no one default to show. */
export const exportLangOption = (cmd: Command): Command =>
  cmd.addOption(new Option('--lang <lang>', t('help.export.lang')).choices(['zh-CN', 'en']));

export const registerServe = (program: Command): void => {
  const cmd = langOption(
    ledgerCommand(program, 'serve', t('help.cmd.serve'))
      .option('--host <address>', t('help.serve.host'), '127.0.0.1')
      .option('--port <n>', t('help.serve.port'), port, 8080)
      .option('--plan <id>', t('help.serve.plan'), nonEmpty),
  );
  cmd.action(async () => {
    const o = cmd.opts<{ host: string; port: number; lang: Language }>();
    const run = runOf(cmd);
    await run.ledger(
      async (l) => {
        const { planId } = planIdOf(cmd);
        // A plan the ledger does not hold is refused before anything listens.
        if (planId !== undefined) await unwrap(l.ledger.plan(planId));
        const app = createDashboard(l.ledger, { lang: o.lang, ...(planId !== undefined ? { plan: planId } : {}) });
        let address: string;
        try {
          address = await app.listen({ host: o.host, port: o.port });
        } catch (e) {
          throw failure('failure.cannotListen', { host: o.host, port: o.port, reason: reasonOf(e) });
        }
        const url = `${address.replace('://[::1]', '://localhost')}/`;
        if (run.json) printJson({ url, ledger: l.where, lang: o.lang });
        else printLines([t('serve.dashboard', { url }), t('serve.ledger', { where: l.where })]);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await app.close();
      },
      { reads: true },
    );
  });
};
