import type { Command } from 'commander';
import { unwrap } from '../failure';
import { printJson, printLines } from '../output/print';
import { ledgerCommand, runOf } from './shared';

export const registerInit = (program: Command): void => {
  const cmd = ledgerCommand(program, 'init', 'create the ledger file if it does not exist, and print where it is');
  cmd.action(async () => {
    const run = runOf(cmd);
    const r = await run.ledger(
      async (l) => ({ where: l.where, created: !l.existed, events: await unwrap(l.store.headPosition()) }),
      { create: true },
    );
    if (run.json) return printJson(r);
    printLines([
      r.created
        ? `created a ledger at ${r.where}`
        : `the ledger at ${r.where} exists already (${r.events} events); nothing changed`,
    ]);
  });
};
