import type { Infrastructure, RunningApp } from '@batchyard/runtime';

/**
 * The bulk-processor process. It has no consumers yet: PackageX bulk jobs (issue 5) bring them. It starts so that
 * every run mode already has all four apps in place.
 */
export async function startBulkProcessor(infra: Infrastructure): Promise<RunningApp> {
  infra.logger.child({ app: 'bulk-processor' }).info('bulk-processor running (no work types registered yet)');
  return { name: 'bulk-processor', stop: async () => undefined };
}
