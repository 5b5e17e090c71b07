import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newApiKey } from '@batchyard/contracts';
import { loadConfig, type RuntimeConfig } from '@batchyard/runtime';
import { launch, type Launched } from '../../../apps/launcher/src/launch';
import { dropTestDatabase } from './tiers';

export interface BatchyardUnderTest {
  url: string;
  /** Where the process serves `/metrics` (and `/health`), apart from the API. */
  metricsUrl: string;
  /** The bootstrap operator key of the default tenant. */
  key: string;
  dataDir: string;
  launched: Launched;
  /** The configuration it runs with (the data directory, the servers). */
  config: RuntimeConfig;
  /** Stops every app and starts them again on the same data and servers, as a redeploy would (a new port). */
  restart(): Promise<void>;
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
  const urlOf = (launched: Launched, name: string) => launched.apps.find((a) => a.name === name)!.url!.replace('[::1]', '127.0.0.1');
  const launched = await launch(['all'], config);
  const under: BatchyardUnderTest = {
    url: urlOf(launched, 'gateway'),
    metricsUrl: urlOf(launched, 'ops-endpoint'),
    key,
    dataDir,
    launched,
    config,
    async restart() {
      await under.launched.stop();
      under.launched = await launch(['all'], config);
      under.url = urlOf(under.launched, 'gateway');
      under.metricsUrl = urlOf(under.launched, 'ops-endpoint');
    },
    async stop() {
      await under.launched.stop();
      await Promise.all([rm(dataDir, { recursive: true, force: true }), dropTestDatabase(config.mongoUrl)]);
    },
  };
  return under;
}
