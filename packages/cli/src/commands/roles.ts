import { Option, type Command } from 'commander';
import { refusal } from '../failure';
import { printLines } from '../output/print';
import { DEFAULT_ROLES_SQL, rolesSql } from '../roles-sql';
import { t } from '../language';

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const PREFIX = /^[a-z_][a-z0-9_]{0,40}$/;

const checked = (option: string, value: string, pattern: RegExp, what: 'usage.notSqlIdentifier' | 'usage.notRolePrefix'): string => {
  if (!pattern.test(value)) throw refusal(what, { option, value });
  return value;
};

export const registerRoles = (program: Command): void => {
  const cmd = program
    .command('roles')
    .description(
      t('help.cmd.roles'),
    )
    .requiredOption('--print-sql', t('help.roles.print-sql'))
    .addOption(new Option('--schema <schema>', t('help.roles.schema')).default(DEFAULT_ROLES_SQL.schema))
    .addOption(new Option('--read-model <schema>', t('help.roles.read-model')).default(DEFAULT_ROLES_SQL.readModel))
    .addOption(new Option('--prefix <prefix>', t('help.roles.prefix')).default(DEFAULT_ROLES_SQL.prefix));
  cmd.action(async () => {
    const o = cmd.opts<{ schema: string; readModel: string; prefix: string }>();
    const options = {
      schema: checked('--schema', o.schema, SCHEMA, 'usage.notSqlIdentifier'),
      readModel: checked('--read-model', o.readModel, SCHEMA, 'usage.notSqlIdentifier'),
      prefix: checked('--prefix', o.prefix, PREFIX, 'usage.notRolePrefix'),
    };
    if (options.readModel === options.schema) throw refusal('usage.readModelIsEventStore', { schema: options.readModel });
    // Loaded here: it loads pg, which only PostgreSQL commands need.
    const { eventStoreGrants } = await import('@minsheng/store-postgres');
    printLines(rolesSql(options, eventStoreGrants).split('\n'));
  });
};
