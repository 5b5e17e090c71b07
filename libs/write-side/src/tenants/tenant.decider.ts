import {
  AddShortDomain,
  ApiKeyCreated,
  ApiKeyRevoked,
  CreateApiKey,
  CreateTenant,
  RemoveShortDomain,
  RevokeApiKey,
  TenantCreated,
  TenantShortDomainAdded,
  TenantShortDomainRemoved,
} from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface TenantState {
  exists: boolean;
  keys: Map<string, { keyHash: string; revoked: boolean }>;
  /** Its own short domains, besides the shared default. */
  domains: ReadonlySet<string>;
}

type TenantCommand =
  CommandOf<typeof CreateTenant> | CommandOf<typeof CreateApiKey> | CommandOf<typeof RevokeApiKey> | CommandOf<typeof AddShortDomain> | CommandOf<typeof RemoveShortDomain>;
type TenantEvent =
  EventOf<typeof TenantCreated> | EventOf<typeof ApiKeyCreated> | EventOf<typeof ApiKeyRevoked> | EventOf<typeof TenantShortDomainAdded> | EventOf<typeof TenantShortDomainRemoved>;

export const tenantDecider: Decider<TenantState, TenantCommand, TenantEvent> = {
  initialState: () => ({ exists: false, keys: new Map(), domains: new Set() }),

  decide(command, state) {
    switch (command.type) {
      case CreateTenant.type: {
        if (state.exists) throw new DomainError('conflict', `tenant ${command.tenant} already exists`);
        return [{ type: TenantCreated.type, data: { tenantId: command.tenant, name: command.data.name } }];
      }
      case CreateApiKey.type: {
        if (!state.exists) throw new DomainError('not_found', `tenant ${command.tenant} does not exist`, 'tenant');
        if (state.keys.has(command.data.keyId)) throw new DomainError('conflict', `key ${command.data.keyId} already exists`);
        return [{ type: ApiKeyCreated.type, data: command.data }];
      }
      case RevokeApiKey.type: {
        const { keyId } = command.data;
        const key = state.keys.get(keyId);
        if (!key) throw new DomainError('not_found', `key ${keyId} does not exist`, 'keyId');
        return key.revoked ? [] : [{ type: ApiKeyRevoked.type, data: { keyId, keyHash: key.keyHash } }];
      }
      case AddShortDomain.type: {
        if (!state.exists) throw new DomainError('not_found', `tenant ${command.tenant} does not exist`, 'tenant');
        const { domain } = command.data;
        return state.domains.has(domain) ? [] : [{ type: TenantShortDomainAdded.type, data: { domain } }];
      }
      case RemoveShortDomain.type: {
        const { domain } = command.data;
        if (!state.domains.has(domain)) throw new DomainError('not_found', `tenant ${command.tenant} has no short domain ${domain}`, 'domain');
        return [{ type: TenantShortDomainRemoved.type, data: { domain } }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case TenantCreated.type:
        return { ...state, exists: true };
      case ApiKeyCreated.type: {
        const { keyId, keyHash } = event.data;
        return { ...state, keys: new Map(state.keys).set(keyId, { keyHash, revoked: false }) };
      }
      case ApiKeyRevoked.type: {
        const { keyId, keyHash } = event.data;
        return { ...state, keys: new Map(state.keys).set(keyId, { keyHash, revoked: true }) };
      }
      case TenantShortDomainAdded.type:
        return { ...state, domains: new Set(state.domains).add(event.data.domain) };
      case TenantShortDomainRemoved.type: {
        const domains = new Set(state.domains);
        domains.delete(event.data.domain);
        return { ...state, domains };
      }
      default:
        return state;
    }
  },
};

/** A short domain is unique across tenants: claimed for the tenant as it is added (a tenant that does not exist gives it back), freed as it is removed. */
export const shortDomainReservations: Reserves<TenantState, TenantCommand> = (command) => {
  switch (command.type) {
    case AddShortDomain.type:
      return uniqueValueChange('short-domain', command.tenant, undefined, command.data.domain);
    case RemoveShortDomain.type:
      return uniqueValueChange('short-domain', command.tenant, command.data.domain, undefined);
    default:
      return NO_RESERVATIONS;
  }
};
