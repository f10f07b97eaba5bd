import { fixedClock, systemClock, type Clock } from '@minsheng/core';
import { Option, type Command } from 'commander';
import { refusal } from './failure';
import { instantRangeProblem, parseInstant } from './parse';
import { t } from './language';
import { chooseLedger, DEFAULT_DB, type LedgerLocation } from './choose-ledger';

export { DEFAULT_DB, type LedgerLocation } from './choose-ledger';

/** Adds the options every command that touches a ledger takes. */
export const ledgerOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--db <file>', t('help.options.db', { file: DEFAULT_DB })).env('MINSHENG_DB'))
    .addOption(
      new Option(
        '--database-url <url>',
        t('help.options.database-url'),
      ).env('DATABASE_URL'),
    )
    .addOption(
      new Option(
        '--now <time>',
        t('help.options.now'),
      ).env(
        'MINSHENG_NOW',
      ),
    );

/**
 * --no-project: commands that append leave the read model to `minsheng worker` processes
 * instead of bringing it up to date themselves, and queries read what the workers have
 * committed. $MINSHENG_NO_PROJECT=1 does the same for every command.
 */
export const projectOption = (cmd: Command): Command =>
  cmd.addOption(
    new Option(
      '--no-project',
      t('help.options.no-project'),
    ),
  );

export const jsonOption = (cmd: Command): Command => cmd.option('--json', t('help.options.json'));

/** The ledger the command names (chooseLedger): the flags as commander parsed them, the variables as it read them. */
export const ledgerLocation = (cmd: Command): LedgerLocation => {
  const o = cmd.opts<{ db?: string; databaseUrl?: string }>();
  const fromCli = (k: 'db' | 'databaseUrl') => (cmd.getOptionValueSource(k) === 'cli' ? o[k] : undefined);
  const fromEnv = (k: 'db' | 'databaseUrl') => (cmd.getOptionValueSource(k) === 'env' ? o[k] : undefined);
  const chosen = chooseLedger({ db: fromCli('db'), databaseUrl: fromCli('databaseUrl') }, { MINSHENG_DB: fromEnv('db'), DATABASE_URL: fromEnv('databaseUrl') });
  if (!('refused' in chosen)) return chosen;
  throw chosen.refused === 'both' ? refusal('usage.dbAndDatabaseUrl') : refusal('usage.databaseUrl', { option: chosen.option });
};

/** Whether commands bring the read model up to date themselves (the default) or leave it to workers. */
export const projectsInline = (cmd: Command): boolean => {
  if (cmd.getOptionValueSource('project') === 'cli') return cmd.opts<{ project?: boolean }>().project !== false;
  const env = process.env.MINSHENG_NO_PROJECT;
  return !(env !== undefined && /^(1|true|yes)$/i.test(env.trim()));
};

/** A clock fixed by --now or $MINSHENG_NOW: the time, as given, and where it came from. */
export interface FixedNow {
  readonly at: Date;
  readonly text: string;
  readonly option: '--now' | '$MINSHENG_NOW';
}

export const fixedNowOf = (cmd: Command): FixedNow | null => {
  const text = cmd.opts<{ now?: string }>().now;
  if (text === undefined || text === '') return null;
  const option = cmd.getOptionValueSource('now') === 'env' ? '$MINSHENG_NOW' : '--now';
  const at = parseInstant(text);
  if (!at) throw refusal('usage.nowNotInstant', { option, text });
  if (instantRangeProblem(at)) throw refusal('usage.nowOutOfRange', { option, text });
  return { at, text, option };
};

export const clockOf = (now: FixedNow | null): Clock => (now ? fixedClock(now.at) : systemClock);

export const wantsJson = (cmd: Command): boolean => cmd.opts<{ json?: boolean }>().json === true;
