import type { CommandEnvelope, DomainErrorCode } from '@batchyard/contracts';

/** An event a decider emits: its type and payload; the handler adds the envelope. */
export interface DomainEvent<T = unknown> {
  type: string;
  data: T;
}

/** A pure aggregate: what a command means given the state, and how an event changes the state. */
export interface Decider<State, Command extends CommandEnvelope = CommandEnvelope> {
  initialState: () => State;
  decide: (command: Command, state: State) => DomainEvent[];
  evolve: (state: State, event: DomainEvent) => State;
}

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
