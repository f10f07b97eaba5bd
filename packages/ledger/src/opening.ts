import { tryCatch, type TaskEither } from 'fp-ts/TaskEither';

/**
 * A store or read model that could not be opened: its file or server cannot be reached, or it
 * was written by a newer version of the library. `cause` is what the constructor threw.
 */
export interface OpenFailed {
  readonly _tag: 'OpenFailed';
  readonly message: string;
  readonly cause: unknown;
}

/**
 * A constructor (createSqliteEventStore, createPostgresEventStore, createSqliteReadModel, …) as
 * a TaskEither: `tryOpen(() => createSqliteEventStore({ file, registry }))`. The constructors
 * throw, because a program usually cannot start without what they open; a program that can go
 * on (a service reporting a bad ledger file to its caller) opens through this instead.
 */
export const tryOpen = <A>(create: () => A | Promise<A>): TaskEither<OpenFailed, A> =>
  tryCatch(
    async () => create(),
    (cause) => ({ _tag: 'OpenFailed', message: cause instanceof Error ? cause.message : String(cause), cause }),
  );
