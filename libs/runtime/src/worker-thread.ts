import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a thread running `entry`. Built code runs its `.js` file as it is; under the test runner the
 * sources are TypeScript, and the thread compiles them with the swc hook the multi-process tests use.
 */
export function startWorkerThread(entry: string, workerData: unknown): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData });
  const hook = join(__dirname, '../../../tools/test-support/src/register-typescript.js');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}
