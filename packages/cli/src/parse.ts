import { deadlineInstant, isDecimalString, isRealDate } from '@minsheng/core';
import { InvalidArgumentError } from 'commander';
import { t } from './language';

/*
 * Option-argument parsers. Commander turns a thrown InvalidArgumentError into one line,
 * "option '--task <n>' argument 'x' is invalid. <reason>", and exit status 2.
 */

/** Text an option must carry: an empty (or blank) value is refused, not stored as nothing. */
export const nonEmpty = (value: string): string => {
  if (value.trim() === '') throw new InvalidArgumentError(t('parse.nonEmpty'));
  return value;
};

export const wholeNumber = (value: string): number => {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError(t('parse.wholeNumber'));
  return Number(value);
};

export const date = (value: string): string => {
  if (!isRealDate(value)) throw new InvalidArgumentError(t('parse.date'));
  return value;
};

export const decimal = (value: string): string => {
  if (!isDecimalString(value)) throw new InvalidArgumentError(t('parse.decimal'));
  return value;
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A moment with its UTC offset: 2024-11-01T09:00:00+08:00 or 2024-11-01T01:00:00Z. */
export const parseInstant = (value: string): Date | null => {
  if (!INSTANT.test(value) || !isRealDate(value.slice(0, 10))) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The ledger's times: from 1970 to 9998, so the date is a four-digit year in every time zone. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

/** Why a time is outside the range the ledger handles, or null. */
export const instantRangeProblem = (d: Date): string | null =>
  d.getTime() < EARLIEST || d.getTime() >= LATEST ? 'is out of range: give a time from 1970 to 9998' : null;

export const instant = (value: string): Date => {
  const d = parseInstant(value);
  if (!d) throw new InvalidArgumentError(t('parse.instant'));
  if (instantRangeProblem(d)) throw new InvalidArgumentError(t('parse.range'));
  return d;
};

/** A time, or a day meaning the end of that day in the plan's time zone (resolved once the plan is known). */
export type TimeSpec = { readonly at: Date } | { readonly endOfDay: string };

export const timeOrDay = (value: string): TimeSpec => {
  if (isRealDate(value)) return { endOfDay: value };
  const d = parseInstant(value);
  if (!d)
    throw new InvalidArgumentError(t('parse.timeOrDay'));
  if (instantRangeProblem(d)) throw new InvalidArgumentError(t('parse.range'));
  return { at: d };
};

export const resolveTime = (spec: TimeSpec, timeZone: string): Date =>
  'at' in spec ? spec.at : new Date(deadlineInstant(spec.endOfDay, timeZone).getTime() - 1);
