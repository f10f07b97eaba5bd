import type { StatusQuery } from '@minsheng/ledger';
import { Option, type Command } from 'commander';
import { date, resolveTime, timeOrDay, type TimeSpec } from '../parse';

/** --as-of (effective date) and --known-at (recorded time): two different questions, asked alone or together. */
export const momentOptions = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--as-of <date>', 'count figures effective by this date, YYYY-MM-DD (default: today in the plan\'s time zone)').argParser(date))
    .addOption(
      new Option(
        '--known-at <time>',
        'as the ledger knew it then: a time with its UTC offset, or a day meaning the end of that day in the plan\'s time zone',
      ).argParser(timeOrDay),
    );

export const momentQuery = (o: { asOf?: string; knownAt?: TimeSpec }, timeZone: string): Pick<StatusQuery, 'asOf' | 'knownAt'> => ({
  ...(o.asOf !== undefined ? { asOf: o.asOf } : {}),
  ...(o.knownAt !== undefined ? { knownAt: resolveTime(o.knownAt, timeZone) } : {}),
});
