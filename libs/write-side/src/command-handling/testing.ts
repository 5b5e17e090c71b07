import type { Actor, CommandEnvelope } from '@batchyard/contracts';
import type { Decider, DomainEvent } from './decider';

/** For decider tests: commands to one aggregate, as the gateway would send them. */
export function commandsTo(aggregateId: string, actor: Actor = { keyId: 'k1', name: 'ci', role: 'operator' }, tenant = 'acme') {
  return (type: string, data: unknown, commandId = 'c1'): CommandEnvelope => ({
    commandId,
    type,
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
export const given = <S>(decider: Decider<S>, ...events: DomainEvent[]): S => events.reduce(decider.evolve, decider.initialState());

/** The state after deciding and applying each command in turn. */
export const afterCommands = <S>(decider: Decider<S>, ...commands: CommandEnvelope[]): S =>
  commands.reduce((state, c) => decider.decide(c, state).reduce(decider.evolve, state), decider.initialState());
