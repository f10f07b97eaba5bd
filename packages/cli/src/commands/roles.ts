import { Option, type Command } from 'commander';
import { usage } from '../failure';
import { printLines } from '../output/print';
import { DEFAULT_ROLES_SQL, rolesSql } from '../roles-sql';
import { t } from '../language';

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const PREFIX = /^[a-z_][a-z0-9_]{0,40}$/;

const checked = (option: string, value: string, pattern: RegExp, what: string): string => {
  if (!pattern.test(value)) throw usage(`${option}: "${value}" is not ${what}`);
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
    const identifier = 'a lower-case SQL identifier (letters, digits, _; at most 63)';
    const options = {
      schema: checked('--schema', o.schema, SCHEMA, identifier),
      readModel: checked('--read-model', o.readModel, SCHEMA, identifier),
      prefix: checked('--prefix', o.prefix, PREFIX, 'a role name prefix (lower-case letters, digits, _; at most 41)'),
    };
    if (options.readModel === options.schema) throw usage(`--read-model: "${options.readModel}" is the event store's schema; the read model has its own`);
    // Loaded here: it loads pg, which only PostgreSQL commands need.
    const { eventStoreGrants } = await import('@minsheng/store-postgres');
    printLines(rolesSql(options, eventStoreGrants).split('\n'));
  });
};
