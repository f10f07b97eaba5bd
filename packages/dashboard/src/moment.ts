import { deadlineInstant, isRealDate } from '@minsheng/core';

/** The moment a page or API call asks about: `asOf` (YYYY-MM-DD) and `knownAt` (a day or a time with its offset). */
export interface MomentParams {
  readonly asOf?: string;
  readonly knownAt?: string;
}

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The moment as the ledger's queries take it. A day for knownAt means the end of that day in
 * the plan's time zone, as `minsheng status --known-at` reads it. Empty fields are left out.
 */
export const momentQuery = (p: MomentParams, timeZone: string): { asOf?: string; knownAt?: Date } => {
  const out: { asOf?: string; knownAt?: Date } = {};
  if (p.asOf) {
    if (!isRealDate(p.asOf)) throw new BadRequest(`asOf "${p.asOf}" must be a real date written YYYY-MM-DD, e.g. 2024-10-31`);
    out.asOf = p.asOf;
  }
  if (p.knownAt) {
    if (isRealDate(p.knownAt)) out.knownAt = new Date(deadlineInstant(p.knownAt, timeZone).getTime() - 1);
    else if (INSTANT.test(p.knownAt) && isRealDate(p.knownAt.slice(0, 10)) && !Number.isNaN(Date.parse(p.knownAt)))
      out.knownAt = new Date(p.knownAt);
    else
      throw new BadRequest(
        `knownAt "${p.knownAt}" must be a day (YYYY-MM-DD, the end of that day in the plan's time zone) or a time with its UTC offset, e.g. 2024-10-31T18:00:00+08:00`,
      );
  }
  return out;
};

/** A recorded time as people read it: in the plan's time zone (a UTC offset such as +08:00), to the minute. */
export const localTime = (iso: string, timeZone: string): string => {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  const offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const shifted = new Date(Date.parse(iso) + offsetMin * 60_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
};
