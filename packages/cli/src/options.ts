import { fixedClock, systemClock, type Clock } from '@minsheng/core';
import { Option, type Command } from 'commander';
import { refusal } from './failure';
import { instantRangeProblem, parseInstant } from './parse';
import { t } from './language';

/**
 * Where the ledger lives. Every command reads it here and only here, so adding a
 * store is one more case in this union and in open-ledger.ts.
 */
export type LedgerLocation = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

export const DEFAULT_DB = './ledger.db';

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

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * --db and --database-url on the command line win over the environment; of the two
 * variables, $MINSHENG_DB (ours) wins over $DATABASE_URL (often set for other tools).
 */
export const ledgerLocation = (cmd: Command): LedgerLocation => {
  const o = cmd.opts<{ db?: string; databaseUrl?: string }>();
  const from = (k: string) => cmd.getOptionValueSource(k);
  if (from('db') === 'cli' && from('databaseUrl') === 'cli') throw refusal('usage.dbAndDatabaseUrl');
  if (o.databaseUrl !== undefined && o.databaseUrl !== '' && (from('databaseUrl') === 'cli' || o.db === undefined || o.db === '')) {
    if (!POSTGRES_URL.test(o.databaseUrl))
      throw refusal('usage.databaseUrl', { option: from('databaseUrl') === 'cli' ? '--database-url' : '$DATABASE_URL' });
    return { kind: 'postgres', url: o.databaseUrl };
  }
  return { kind: 'sqlite', file: o.db || DEFAULT_DB };
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
