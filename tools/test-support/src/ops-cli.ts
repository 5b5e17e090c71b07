import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RuntimeConfig } from '@batchyard/runtime';
import { overridesAsEnv } from './tiers';

const CLI = path.resolve(__dirname, '../../../dist/apps/ops/src/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The compiled ops tool, run as operators run it, with the environment that names an installation's stores. */
export async function runOpsCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as CliResult;
    return { code, stdout, stderr };
  }
}

/** The environment of the ops tool for a configuration (embedded: its data directory; distributed: its servers). */
export function opsEnv(config: Pick<RuntimeConfig, 'dataDir' | 'kafkaBrokers' | 'mongoUrl' | 'namespace'>): NodeJS.ProcessEnv {
  return { BATCHYARD_DATA_DIR: config.dataDir, KAFKA_BROKERS: '', MONGO_URL: '', EVENTSTORE_URL: '', BATCHYARD_NAMESPACE: '', ...overridesAsEnv(config), LOG_LEVEL: 'warn' };
}

/** The compiled ops tool, run as operators run it, against a fresh embedded data directory with no service running. */
export function embeddedOpsCli() {
  let dataDir = '';
  return {
    get dataDir() {
      return dataDir;
    },
    async open(): Promise<void> {
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
      dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-ops-'));
    },
    close: () => rm(dataDir, { recursive: true, force: true }),
    run: (...args: string[]) => runOpsCli({ BATCHYARD_DATA_DIR: dataDir, KAFKA_BROKERS: '', MONGO_URL: '', EVENTSTORE_URL: '' }, ...args),
  };
}
