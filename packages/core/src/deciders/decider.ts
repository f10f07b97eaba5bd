import type { Either } from 'fp-ts/Either';
import type { LedgerError } from '../errors';
import type { LedgerEvent } from '../events/events';

/** A decider in the Emmett shape: state is data, behaviour is functions over it. */
export interface Decider<Command, State, Event extends LedgerEvent = LedgerEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: LedgerEvent) => State;
  readonly decide: (command: Command, state: State) => Either<LedgerError, readonly Event[]>;
}

/** Folds past events into state. Events of other types are ignored by evolve. */
export const foldState = <C, S>(decider: Decider<C, S>, events: readonly LedgerEvent[]): S =>
  events.reduce(decider.evolve, decider.initialState());
