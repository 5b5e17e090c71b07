import { ApiKeyCreated, ApiKeyRevoked, TenantCreated, type Role } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';

/** An API key as the gateway looks it up: by the SHA-256 of the presented key. */
export interface ApiKeyDoc extends Doc {
  keyId: string;
  tenant: string;
  name: string;
  role: Role;
  revoked: boolean;
  createdAt: string;
}

export interface TenantDoc extends Doc {
  name: string;
  createdAt: string;
}

export const ApiKeysProjection = defineProjection({
  name: 'api-keys',
  version: 1,
  events: [TenantCreated, ApiKeyCreated, ApiKeyRevoked],
  collections: [
    {
      name: 'api_keys',
      indexes: [
        {
          name: 'by_tenant',
          fields: [
            ['tenant', 1],
            ['role', 1],
          ],
        },
      ],
    },
    { name: 'tenants', indexes: [] },
  ],
  apply(event) {
    switch (event.type) {
      case TenantCreated.type: {
        const data = event.data;
        return [{ collection: 'tenants', op: { kind: 'put', id: data.tenantId, doc: { name: data.name, createdAt: event.occurredAt } } }];
      }
      case ApiKeyCreated.type: {
        const data = event.data;
        const doc = { keyId: data.keyId, tenant: event.tenant, name: data.name, role: data.role, revoked: false, createdAt: event.occurredAt };
        return [{ collection: 'api_keys', op: { kind: 'put', id: data.keyHash, doc } }];
      }
      case ApiKeyRevoked.type: {
        const data = event.data;
        return [{ collection: 'api_keys', op: { kind: 'patch', id: data.keyHash, set: { revoked: true } } }];
      }
      default:
        return [];
    }
  },
});
