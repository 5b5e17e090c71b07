import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newApiKey } from '@batchyard/contracts';
import { loadConfig, type RuntimeConfig } from '@batchyard/runtime';
import { launch, type Launched } from '../../runtime/src/launch';
import { dropTestDatabase } from './tiers';

export interface BatchyardUnderTest {
  url: string;
  /** Where the process serves `/metrics` (and `/health`), apart from the API. */
  metricsUrl: string;
  /** The bootstrap operator key of the default tenant. */
  key: string;
  dataDir: string;
  launched: Launched;
  stop(): Promise<void>;
}

/**
 * Starts all four apps in this process on a fresh data directory and a free port. Embedded unless
 * `overrides` bring server URLs (then real Kafka / MongoDB are used through the same code path).
 */
export async function startBatchyard(overrides: Partial<RuntimeConfig> = {}): Promise<BatchyardUnderTest> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-test-'));
  const key = newApiKey();
  const base = loadConfig({ LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  const config: RuntimeConfig = { ...base, dataDir, port: 0, metricsPort: 0, bootstrapKey: key, ...overrides };
  const launched = await launch(['all'], config);
  const urlOf = (name: string) => launched.apps.find((a) => a.name === name)!.url!.replace('[::1]', '127.0.0.1');
  return {
    url: urlOf('gateway'),
    metricsUrl: urlOf('ops-endpoint'),
    key,
    dataDir,
    launched,
    async stop() {
      await launched.stop();
      await Promise.all([rm(dataDir, { recursive: true, force: true }), dropTestDatabase(config.mongoUrl)]);
    },
  };
}
