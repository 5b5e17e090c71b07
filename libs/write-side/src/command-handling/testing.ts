import type { Actor, CommandData, CommandDefinition, CommandEnvelope } from '@batchyard/contracts';
import { foldEvents, type AnyDecider, type CommandOf, type DomainEvent } from './decider';

/** A command to one aggregate, as the gateway would send it. */
interface CommandTo {
  /** Its data typed by the contract, for a decider of `CommandOf` unions. */
  <D extends CommandDefinition>(definition: D, data: CommandData<D>, commandId?: string): CommandOf<D>;
  /** By type name with any data: for the deciders whose commands are not typed yet (task, bulk job, tenant). */
  (type: string, data: unknown, commandId?: string): CommandEnvelope;
}

/** For decider tests: commands to one aggregate, as the gateway would send them. */
export function commandsTo(aggregateId: string, actor: Actor = { keyId: 'k1', name: 'ci', role: 'operator' }, tenant = 'acme'): CommandTo {
  return (definition: CommandDefinition | string, data: unknown, commandId = 'c1') => ({
    commandId,
    type: typeof definition === 'string' ? definition : definition.type,
    tenant,
    aggregateId,
    correlationId: commandId,
    causationId: commandId,
    issuedAt: new Date(0).toISOString(),
    actor,
    data,
  });
}

/** The state after these events. */
export const given = <S>(decider: AnyDecider<S>, ...events: DomainEvent[]): S => foldEvents(decider, events);

/** The state after deciding and applying each command in turn. */
export const afterCommands = <S>(decider: AnyDecider<S>, ...commands: CommandEnvelope[]): S =>
  commands.reduce((state, c) => decider.decide(c, state).reduce(decider.evolve, state), decider.initialState());
