import { randomBytes } from 'node:crypto';
import { CreateApiKey, CreateTenant, RevokeApiKey, newApiKey, sha256Hex, type Actor, type CommandOutcome, type Role } from '@batchyard/contracts';
import { command, type CommandSender } from '@batchyard/command-bus';

export const DEFAULT_TENANT = 'default';
export const SYSTEM_ACTOR: Actor = { keyId: 'system', name: 'system', role: 'operator' };
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function createTenant(sender: CommandSender, tenantId: string, name = tenantId, commandId?: string) {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`tenant id must match ${TENANT_ID_PATTERN}`);
  return sender.send(command(CreateTenant, { name }, { tenant: tenantId, aggregateId: tenantId, actor: SYSTEM_ACTOR, commandId }));
}

export interface IssuedKey {
  key: string;
  keyId: string;
  outcome: CommandOutcome;
}

/** Issues a key (a new random one unless given); only its hash is recorded. */
export async function createApiKey(
  sender: CommandSender,
  options: { tenant: string; name: string; role: Role; key?: string; keyId?: string; commandId?: string },
): Promise<IssuedKey> {
  const key = options.key ?? newApiKey();
  const keyId = options.keyId ?? `key_${randomBytes(8).toString('hex')}`;
  const outcome = await sender.send(
    command(
      CreateApiKey,
      { keyId, name: options.name, role: options.role, keyHash: sha256Hex(key) },
      { tenant: options.tenant, aggregateId: options.tenant, actor: SYSTEM_ACTOR, commandId: options.commandId },
    ),
  );
  return { key, keyId, outcome };
}

export function revokeApiKey(sender: CommandSender, tenant: string, keyId: string) {
  return sender.send(command(RevokeApiKey, { keyId }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR }));
}
