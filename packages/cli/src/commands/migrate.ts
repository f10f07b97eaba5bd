import { LEDGER_INDEX } from '@minsheng/projections';
import type { Command } from 'commander';
import { printJson, printLines } from '../output/print';
import { ledgerCommand, runOf } from './shared';
import { t } from '../language';

export const registerMigrate = (program: Command): void => {
  const cmd = ledgerCommand(
    program,
    'migrate',
    t('help.cmd.migrate'),
    { project: false },
  );
  cmd.action(async () => {
    const run = runOf(cmd);
    const r = await run.engine(
      async (e) => {
        const version = await e.versions.active(LEDGER_INDEX);
        const existed = await e.readModelExists(version);
        await (await e.openReadModel(version)).close();
        return {
          where: e.where,
          engine: e.kind,
          eventStore: { schema: e.schema.name, before: e.schema.before, after: e.schema.after },
          readModel: { version, created: !existed },
        };
      },
      { create: true },
    );
    if (run.json) return printJson(r);
    const { before, after } = r.eventStore;
    const store = r.engine === 'postgres' ? t('migrate.storePostgres', { schema: r.eventStore.schema, where: r.where }) : t('migrate.store', { where: r.where });
    printLines([
      before === after ? t('migrate.current', { store, after }) : t('migrate.done', { store, before, after }),
      t(r.readModel.created ? 'migrate.readModelCreated' : 'migrate.readModelExists', { version: r.readModel.version }),
    ]);
  });
};
