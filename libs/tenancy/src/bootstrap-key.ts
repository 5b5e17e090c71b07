import { sha256Hex, uuidFrom } from '@batchyard/contracts';
import type { ApiKeyDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { DEFAULT_TENANT, createApiKey, createTenant } from './tenant-admin';
import type { CommandSender } from '@batchyard/command-bus';

export type BootstrapResult =
  { kind: 'configured'; keyId: string; position: number } | { kind: 'generated'; key: string; keyId: string; position: number } | { kind: 'existing'; position: number };

const positionOf = (o: { status: string; position?: number }) => (o.status === 'accepted' ? (o.position ?? 0) : 0);

/**
 * Makes sure the default tenant has an operator key: `BATCHYARD_BOOTSTRAP_KEY` when set, else a
 * key generated on the first start (printed once by the caller) and kept. Command ids are fixed,
 * so several gateways starting at once issue one key between them.
 */
export async function ensureBootstrapKey(sender: CommandSender, readStore: ReadStore, configuredKey?: string): Promise<BootstrapResult> {
  await createTenant(sender, DEFAULT_TENANT, 'Default tenant', uuidFrom('bootstrap:tenant:default'));
  if (configuredKey) {
    const keyId = `key_bootstrap_${sha256Hex(configuredKey).slice(0, 12)}`;
    const { outcome } = await createApiKey(sender, {
      tenant: DEFAULT_TENANT,
      name: 'bootstrap',
      role: 'operator',
      key: configuredKey,
      keyId,
      commandId: uuidFrom(`bootstrap:key:${keyId}`),
    });
    return { kind: 'configured', keyId, position: positionOf(outcome) };
  }
  const keys = readStore.collection<ApiKeyDoc>('api_keys');
  const existing = await keys.find({ tenant: DEFAULT_TENANT, role: 'operator', revoked: false }, { limit: 1 });
  if (existing.length) return { kind: 'existing', position: 0 };
  const issued = await createApiKey(sender, { tenant: DEFAULT_TENANT, name: 'first-start', role: 'operator', keyId: 'key_first_start' });
  if (issued.outcome.status === 'rejected') return { kind: 'existing', position: 0 };
  return { kind: 'generated', key: issued.key, keyId: issued.keyId, position: positionOf(issued.outcome) };
}
