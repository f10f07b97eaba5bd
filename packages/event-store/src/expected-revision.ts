/**
 * What an append expects of its stream. Revisions are 0-based: the first event of a
 * stream has revision 0, and a number means "the stream's last event has this revision".
 * Every adapter maps these one-to-one to its engine.
 */
export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

export type ExpectedRevision = typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY | number;

/** A stream's current revision, or `no_stream` when it has no events. */
export type CurrentRevision = number | typeof NO_STREAM;

/** Whether `current` satisfies `expected`. */
export const satisfies = (expected: ExpectedRevision, current: CurrentRevision): boolean => {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return current === NO_STREAM;
  if (expected === STREAM_EXISTS) return current !== NO_STREAM;
  return current === expected;
};

export const describeRevision = (r: ExpectedRevision | CurrentRevision): string =>
  typeof r === 'number' ? `revision ${r}` : r === NO_STREAM ? 'no stream' : r === STREAM_EXISTS ? 'an existing stream' : 'any revision';

export const isExpectedRevision = (r: unknown): r is ExpectedRevision =>
  r === NO_STREAM || r === STREAM_EXISTS || r === ANY || (typeof r === 'number' && Number.isInteger(r) && r >= 0);
