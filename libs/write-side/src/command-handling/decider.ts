import type { CommandData, CommandDefinition, CommandEnvelope, DomainErrorCode, EventData, EventDefinition } from '@batchyard/contracts';

/** An event a decider emits: its type and payload; the handler adds the envelope. */
export interface DomainEvent<T = unknown> {
  type: string;
  data: T;
}

/**
 * A command of one contract as its decider receives it: the handler routes by type and parses the data with the
 * definition's schema first, so a union of these lets `switch (command.type)` narrow `data` with no cast.
 */
export type CommandOf<D extends CommandDefinition> = Omit<CommandEnvelope, 'type' | 'data'> & { type: D['type']; data: CommandData<D> };

/** An event of one contract: what `decide` may emit (its schema checks it again on append) and `evolve` reads back. */
export type EventOf<D extends EventDefinition> = { type: D['type']; data: EventData<D> };

/**
 * A pure aggregate: what a command means given the state, and how an event changes the state. `Command` and
 * `Event` are unions of `CommandOf` / `EventOf`; streams hold only their decider's events, and `evolve` keeps the
 * state for a type it does not know.
 */
export interface Decider<State, Command extends { type: string } = CommandEnvelope, Event extends DomainEvent = DomainEvent> {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
}

/** Any decider, as the handler and the cache hold them: routes guarantee each gets only its own commands. */
export type AnyDecider<State = any> = Decider<State, any, any>;

/** A rule the command broke: becomes a rejected outcome (and the dialect's 4xx), never a retry. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The state after a stream's recorded events: a stream holds only its decider's events, each checked by its schema on append. */
export const foldEvents = <State>(decider: AnyDecider<State>, events: readonly DomainEvent[]): State => events.reduce(decider.evolve, decider.initialState());

/** The default of a typed decider's switch: a compile error when a command of its union has no case. */
export function unknownCommand(command: never): never {
  throw new DomainError('invalid', `unknown command ${(command as { type: string }).type}`);
}
