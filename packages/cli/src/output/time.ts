/** Minutes east of UTC of a plan's time zone, "+08:00" (the only form a plan takes). */
const offsetMinutes = (timeZone: string): number => {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

/** The wall clock in the plan's time zone, as toISOString writes it without its Z. */
const wallClock = (iso: string, timeZone: string): string =>
  new Date(Date.parse(iso) + offsetMinutes(timeZone) * 60_000).toISOString().slice(0, -1);

/** An instant as people in the plan's time zone read it: "2024-10-05 10:00". */
export const localTime = (iso: string, timeZone: string): string => {
  const shifted = wallClock(iso, timeZone);
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
};

/** "2024-10-05 10:00 (+08:00)". */
export const localTimeWithZone = (iso: string, timeZone: string): string => `${localTime(iso, timeZone)} (${timeZone})`;

/** An instant in ISO 8601 at the plan's offset: "2024-10-31T18:00:00+08:00" (milliseconds only when there are some). */
export const isoInZone = (iso: string, timeZone: string): string =>
  `${wallClock(iso, timeZone).replace(/\.000$/, '')}${/^[+-]\d{2}:\d{2}$/.test(timeZone) ? timeZone : '+00:00'}`;
