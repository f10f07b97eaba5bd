import type { Command } from 'commander';
import { unwrap } from '../failure';
import { EVENT_STORE_SCHEMA } from '../open-ledger';
import { printJson, printLines } from '../output/print';
import { ledgerCommand, runOf } from './shared';

export const registerInit = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'init',
    'create the ledger if it does not exist (a SQLite file, or the schemas in PostgreSQL), and print where it is',
    { project: false },
  );
  cmd.action(async () => {
    const run = runOf(cmd);
    const r = await run.ledger(
      async (l) => ({ where: l.where, created: !l.existed, events: await unwrap(l.store.headPosition()), kind: l.kind, readModel: l.readModelVersion }),
      { create: true },
    );
    const { kind, readModel, ...result } = r;
    if (run.json) return printJson(result);
    const schemas = kind === 'postgres' ? ` (event store in schema ${EVENT_STORE_SCHEMA}, read model in schema ${readModel})` : '';
    printLines([
      r.created
        ? `created a ledger at ${r.where}${schemas}`
        : `the ledger at ${r.where} exists already (${r.events} events); nothing changed`,
    ]);
  });
};
