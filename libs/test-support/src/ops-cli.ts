import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const CLI = path.resolve(__dirname, '../../../dist/apps/ops/src/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
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
    async run(...args: string[]): Promise<CliResult> {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
          env: { ...process.env, BATCHYARD_DATA_DIR: dataDir, KAFKA_BROKERS: '', MONGO_URL: '', EVENTSTORE_URL: '' },
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const { code, stdout, stderr } = error as CliResult;
        return { code, stdout, stderr };
      }
    },
  };
}
