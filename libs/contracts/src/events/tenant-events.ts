import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

export const Roles = ['operator', 'user', 'station'] as const;
export const RoleSchema = z.enum(Roles);
export type Role = z.infer<typeof RoleSchema>;

export const TenantCreated = defineEvent({
  type: 'TenantCreated',
  version: 1,
  category: StreamCategory.tenant,
  description: 'A tenant was created; every stream and read model is scoped by its id.',
  schema: z.object({ tenantId: z.string(), name: z.string() }),
});

export const ApiKeyCreated = defineEvent({
  type: 'ApiKeyCreated',
  version: 1,
  category: StreamCategory.tenant,
  description: 'An API key was issued to a tenant. Only the SHA-256 of the key is recorded.',
  schema: z.object({
    keyId: z.string(),
    name: z.string(),
    role: RoleSchema,
    keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

export const ApiKeyRevoked = defineEvent({
  type: 'ApiKeyRevoked',
  version: 1,
  category: StreamCategory.tenant,
  description: 'An API key was revoked; requests with it are refused from then on.',
  schema: z.object({ keyId: z.string(), keyHash: z.string().regex(/^[0-9a-f]{64}$/) }),
});
