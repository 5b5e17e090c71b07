import { randomBytes } from 'node:crypto';
import {
  CreateApiKey,
  CreateTenant,
  RevokeApiKey,
  newApiKey,
  sha256Hex,
  type Actor,
  type CommandDefinition,
  type CommandOutcome,
  type Role,
} from '@batchyard/contracts';

/**
 * How an administrative command reaches the handler: over the bus from the gateway, or straight
 * into the command handler from the ops tool. Either way the same decider decides.
 */
export type Dispatch = (
  definition: CommandDefinition,
  data: unknown,
  options: { tenant: string; aggregateId: string; actor: Actor; commandId?: string },
) => Promise<CommandOutcome>;

export const DEFAULT_TENANT = 'default';
export const SYSTEM_ACTOR: Actor = { keyId: 'system', name: 'system', role: 'operator' };
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function createTenant(dispatch: Dispatch, tenantId: string, name = tenantId, commandId?: string) {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`tenant id must match ${TENANT_ID_PATTERN}`);
  return dispatch(CreateTenant, { name }, { tenant: tenantId, aggregateId: tenantId, actor: SYSTEM_ACTOR, commandId });
}

export interface IssuedKey {
  key: string;
  keyId: string;
  outcome: CommandOutcome;
}

/** Issues a key (a new random one unless given); only its hash is recorded. */
export async function createApiKey(
  dispatch: Dispatch,
  options: { tenant: string; name: string; role: Role; key?: string; keyId?: string; commandId?: string },
): Promise<IssuedKey> {
  const key = options.key ?? newApiKey();
  const keyId = options.keyId ?? `key_${randomBytes(8).toString('hex')}`;
  const outcome = await dispatch(
    CreateApiKey,
    { keyId, name: options.name, role: options.role, keyHash: sha256Hex(key) },
    { tenant: options.tenant, aggregateId: options.tenant, actor: SYSTEM_ACTOR, commandId: options.commandId },
  );
  return { key, keyId, outcome };
}

export function revokeApiKey(dispatch: Dispatch, tenant: string, keyId: string) {
  return dispatch(RevokeApiKey, { keyId }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR });
}
