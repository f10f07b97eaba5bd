/*
 * Recorded time never goes backwards along positions: a store takes an event recorded
 * before the log's head as recorded at the head's time (see docs/concepts.md). These
 * compare the ISO 8601 instants events carry.
 */

/** True when instant `a` is strictly before instant `b`; false when either is not a date. */
export const isEarlier = (a: string, b: string): boolean => {
  // The common case, both from toISOString(): the text orders as the instant does.
  if (a.length === 24 && b.length === 24 && a.endsWith('Z') && b.endsWith('Z')) return a < b;
  return Date.parse(a) < Date.parse(b);
};
