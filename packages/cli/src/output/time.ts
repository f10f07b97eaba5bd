/** An instant as people in the plan's time zone read it: "2024-10-05 10:00". */
export const localTime = (iso: string, timeZone: string): string => {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  const offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const shifted = new Date(Date.parse(iso) + offsetMin * 60_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
};

/** "2024-10-05 10:00 (+08:00)". */
export const localTimeWithZone = (iso: string, timeZone: string): string => `${localTime(iso, timeZone)} (${timeZone})`;
