import { monotonicFactory, isValid } from 'ulid';

const next = monotonicFactory();

/** Event ids are ULIDs: unique, sortable by creation time. */
export const newEventId = (at?: Date): string => next(at?.getTime());

export const isEventId = (s: string): boolean => isValid(s);
