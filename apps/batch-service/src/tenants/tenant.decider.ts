import { ApiKeyCreated, ApiKeyRevoked, CreateApiKey, CreateTenant, RevokeApiKey, TenantCreated, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider, type DomainEvent } from '../command-handling/decider';

export interface TenantState {
  exists: boolean;
  keys: Map<string, { keyHash: string; revoked: boolean }>;
}

export const tenantDecider: Decider<TenantState> = {
  initialState: () => ({ exists: false, keys: new Map() }),

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
      default:
        return state;
    }
  },
};
