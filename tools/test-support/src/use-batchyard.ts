import type { Role } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { startBatchyard, type BatchyardUnderTest } from './batchyard-under-test';
import { issueKey } from './tenants';

export interface UseBatchyardOptions<K extends string> {
  /** Keys issued once it is up, read as `by.keys[name]`: name → [tenant, role] (the tenant is created if needed). */
  keys?: Record<K, readonly [tenant: string, role: Role]>;
  /** Timeout of the start and the stop hooks (a large suite's installation may take longer to drain); jest's otherwise. */
  timeout?: number;
  /** Timeout of every test of the file (`jest.setTimeout`, which applies to the whole file wherever it is called). */
  testTimeout?: number;
  /** Runs before the installation stops: what the suite started on top of it (consumers, processes of its own). */
  beforeStop?: () => Promise<unknown>;
}

export type BatchyardFixture<K extends string> = Omit<BatchyardUnderTest, 'stop'> & {
  readonly keys: Readonly<Record<K, { key: string; keyId: string }>>;
};

/**
 * Starts Batchyard for the enclosing describe (beforeAll) and stops it after (afterAll). The handle reads through to the
 * running installation, so `by.url` is the current one after a restart; read it inside tests and hooks, not at
 * registration. `overrides` may be a function run in the start hook (a data directory prepared first). The suite's own
 * beforeAll hooks registered after this call run once it is up and the keys are issued.
 */
export function useBatchyard<K extends string = never>(
  overrides: Partial<RuntimeConfig> | (() => Partial<RuntimeConfig> | Promise<Partial<RuntimeConfig>>) = {},
  options: UseBatchyardOptions<K> = {},
): BatchyardFixture<K> {
  let under: BatchyardUnderTest | undefined;
  let keys: Record<string, { key: string; keyId: string }> = {};
  const running = () => {
    if (!under) throw new Error('Batchyard is not running: read the fixture inside a test or a hook, after its beforeAll');
    return under;
  };
  if (options.testTimeout) jest.setTimeout(options.testTimeout);

  beforeAll(async () => {
    under = await startBatchyard(typeof overrides === 'function' ? await overrides() : overrides);
    const issued = Object.entries<readonly [string, Role]>(options.keys ?? {});
    for (const [name, [tenant, role]] of issued) keys[name] = await issueKey(under.launched.infra, tenant, role);
  }, options.timeout);
  afterAll(async () => {
    try {
      await options.beforeStop?.();
    } finally {
      await under?.stop();
      under = undefined;
      keys = {};
    }
  }, options.timeout);

  return {
    get url() {
      return running().url;
    },
    get metricsUrl() {
      return running().metricsUrl;
    },
    get key() {
      return running().key;
    },
    get dataDir() {
      return running().dataDir;
    },
    get launched() {
      return running().launched;
    },
    get config() {
      return running().config;
    },
    get keys() {
      running();
      return keys as Record<K, { key: string; keyId: string }>;
    },
    restart: () => running().restart(),
  };
}
