import { left, right, type Either } from 'fp-ts/Either';
import { invalidArgument, type InvalidArgument } from './errors';
import type { ReadAllOptions } from './port';

/*
 * A filter on the global log's read (readAll's eventTypes and streamPrefix). The SQL stores
 * apply it in their query, inside the position range, so the events it leaves out are never
 * decoded, validated or hash-checked; the in-memory store applies it to its rows.
 */

/** What a filtered read keeps: events of one of `eventTypes` (if given) in streams starting with `streamPrefix` (if given). */
export interface LogFilter {
  readonly eventTypes: readonly string[] | undefined;
  readonly streamPrefix: string | undefined;
}

/** The filter readAll's options ask for; undefined when they ask for none. A bad one is refused naming the option. */
export const checkLogFilter = (options: ReadAllOptions): Either<InvalidArgument, LogFilter | undefined> => {
  const { eventTypes, streamPrefix } = options;
  if (eventTypes !== undefined) {
    if (!Array.isArray(eventTypes) || eventTypes.length === 0) return left(invalidArgument('eventTypes must name at least one event type'));
    const bad = eventTypes.find((t) => typeof t !== 'string' || t.length === 0);
    if (bad !== undefined) return left(invalidArgument(`eventTypes must be event type names, not ${JSON.stringify(bad)}`));
  }
  if (streamPrefix !== undefined && (typeof streamPrefix !== 'string' || streamPrefix.length === 0))
    return left(invalidArgument(`streamPrefix must be a non-empty string, not ${JSON.stringify(streamPrefix)}`));
  return eventTypes === undefined && streamPrefix === undefined ? right(undefined) : right({ eventTypes, streamPrefix });
};

/** Whether an event of `type` in `stream` passes the filter (none: every event does). */
export const passes = (filter: LogFilter | undefined, type: string, stream: string): boolean =>
  filter === undefined ||
  ((filter.eventTypes === undefined || filter.eventTypes.includes(type)) && (filter.streamPrefix === undefined || stream.startsWith(filter.streamPrefix)));

/**
 * A stream prefix as a LIKE pattern with `\` as its escape character: `%`, `_` and `\` in the
 * prefix stand for themselves. SQLite needs `ESCAPE '\'` spelt out; PostgreSQL escapes with `\` by default.
 */
export const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter as parameters of a query that takes NULL for "no filter": event types as a JSON array, the prefix as a LIKE pattern. */
export const filterParams = (filter: LogFilter | undefined): { readonly types: string | null; readonly prefix: string | null } => ({
  types: filter?.eventTypes ? JSON.stringify(filter.eventTypes) : null,
  prefix: filter?.streamPrefix !== undefined ? likePrefix(filter.streamPrefix) : null,
});
