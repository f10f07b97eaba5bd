import type { StatusQuery } from '@minsheng/ledger';
import { Option, type Command } from 'commander';
import { date, resolveTime, timeOrDay, type TimeSpec } from '../parse';
import { t } from '../language';

/** --as-of (effective date) and --known-at (recorded time): two different questions, asked alone or together. */
export const momentOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--as-of <date>', t('help.moment.as-of')).argParser(date))
    .addOption(
      new Option(
        '--known-at <time>',
        t('help.moment.known-at'),
      ).argParser(timeOrDay),
    );

export const momentQuery = (o: { asOf?: string; knownAt?: TimeSpec }, timeZone: string): Pick<StatusQuery, 'asOf' | 'knownAt'> => ({
  ...(o.asOf !== undefined ? { asOf: o.asOf } : {}),
  ...(o.knownAt !== undefined ? { knownAt: resolveTime(o.knownAt, timeZone) } : {}),
});
