import type { Infrastructure, RunningApp } from '@batchyard/runtime';

/**
 * The task-worker process. It has no consumers yet: EVRYTHNG tasks (issue 4) bring them. It starts so that
 * every run mode already has all four apps in place.
 */
export async function startTaskWorker(infra: Infrastructure): Promise<RunningApp> {
  infra.logger.child({ app: 'task-worker' }).info('task-worker running (no work types registered yet)');
  return { name: 'task-worker', stop: async () => undefined };
}
