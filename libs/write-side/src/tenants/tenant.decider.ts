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
  type CommandData,
} from '@batchyard/contracts';
import { DomainError, type Decider, type DomainEvent } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface TenantState {
  exists: boolean;
  keys: Map<string, { keyHash: string; revoked: boolean }>;
  /** Its own short domains, besides the shared default. */
  domains: ReadonlySet<string>;
}

export const tenantDecider: Decider<TenantState> = {
  initialState: () => ({ exists: false, keys: new Map(), domains: new Set() }),

  decide(command, state) {
    switch (command.type) {
      case CreateTenant.type: {
        if (state.exists) throw new DomainError('conflict', `tenant ${command.tenant} already exists`);
        const data = command.data as CommandData<typeof CreateTenant>;
        return [{ type: TenantCreated.type, data: { tenantId: command.tenant, name: data.name } }];
      }
      case CreateApiKey.type: {
        if (!state.exists) throw new DomainError('not_found', `tenant ${command.tenant} does not exist`, 'tenant');
        const data = command.data as CommandData<typeof CreateApiKey>;
        if (state.keys.has(data.keyId)) throw new DomainError('conflict', `key ${data.keyId} already exists`);
        return [{ type: ApiKeyCreated.type, data }];
      }
      case RevokeApiKey.type: {
        const { keyId } = command.data as CommandData<typeof RevokeApiKey>;
        const key = state.keys.get(keyId);
        if (!key) throw new DomainError('not_found', `key ${keyId} does not exist`, 'keyId');
        return key.revoked ? [] : [{ type: ApiKeyRevoked.type, data: { keyId, keyHash: key.keyHash } }];
      }
      case AddShortDomain.type: {
        if (!state.exists) throw new DomainError('not_found', `tenant ${command.tenant} does not exist`, 'tenant');
        const { domain } = command.data as CommandData<typeof AddShortDomain>;
        return state.domains.has(domain) ? [] : [{ type: TenantShortDomainAdded.type, data: { domain } }];
      }
      case RemoveShortDomain.type: {
        const { domain } = command.data as CommandData<typeof RemoveShortDomain>;
        if (!state.domains.has(domain)) throw new DomainError('not_found', `tenant ${command.tenant} has no short domain ${domain}`, 'domain');
        return [{ type: TenantShortDomainRemoved.type, data: { domain } }];
      }
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event: DomainEvent) {
    switch (event.type) {
      case TenantCreated.type:
        return { ...state, exists: true };
      case ApiKeyCreated.type: {
        const { keyId, keyHash } = event.data as { keyId: string; keyHash: string };
        return { ...state, keys: new Map(state.keys).set(keyId, { keyHash, revoked: false }) };
      }
      case ApiKeyRevoked.type: {
        const { keyId, keyHash } = event.data as { keyId: string; keyHash: string };
        return { ...state, keys: new Map(state.keys).set(keyId, { keyHash, revoked: true }) };
      }
      case TenantShortDomainAdded.type:
        return { ...state, domains: new Set(state.domains).add((event.data as { domain: string }).domain) };
      case TenantShortDomainRemoved.type: {
        const domains = new Set(state.domains);
        domains.delete((event.data as { domain: string }).domain);
        return { ...state, domains };
      }
      default:
        return state;
    }
  },
};

/** A short domain is unique across tenants: claimed for the tenant as it is added (a tenant that does not exist gives it back), freed as it is removed. */
export const shortDomainReservations: Reserves<TenantState> = (command) => {
  switch (command.type) {
    case AddShortDomain.type:
      return uniqueValueChange('short-domain', command.tenant, undefined, (command.data as CommandData<typeof AddShortDomain>).domain);
    case RemoveShortDomain.type:
      return uniqueValueChange('short-domain', command.tenant, (command.data as CommandData<typeof RemoveShortDomain>).domain, undefined);
    default:
      return NO_RESERVATIONS;
  }
};
