import type { Actor, CommandData, CommandDefinition, CommandEnvelope } from '@batchyard/contracts';
import { foldEvents, type AnyDecider, type CommandOf, type DomainEvent } from './decider';

/** For decider tests: commands to one aggregate, as the gateway would send them, their data typed by the contract. */
export function commandsTo(aggregateId: string, actor: Actor = { keyId: 'k1', name: 'ci', role: 'operator' }, tenant = 'acme') {
  return <D extends CommandDefinition>(definition: D, data: CommandData<D>, commandId = 'c1'): CommandOf<D> => ({
    commandId,
    type: definition.type,
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
