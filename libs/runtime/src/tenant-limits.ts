import { MAX_TASK_QUANTITY } from '@batchyard/contracts';

/**
 * What one tenant (or one of its keys) may use of a shared installation (docs/operations.md, "Limits"). Each is
 * read from the environment; 0 turns a limit off.
 */
export interface TenantLimits {
  /** Requests per second per API key: the refill rate of the key's token bucket in each gateway. */
  requestsPerSecond: number;
  /** The bucket's size: requests a key may send at once before its rate applies. */
  requestBurst: number;
  /** Tasks of a tenant queued or running at once. */
  concurrentTasks: number;
  /** Bulk jobs of a tenant queued or running at once. */
  concurrentBulkJobs: number;
  /** Items one task may make (never more than MAX_TASK_QUANTITY). */
  taskItems: number;
  /** Bytes a tenant may keep stored: its files' contents and its bulk jobs' uploads. */
  storedBytes: number;
}

export const DEFAULT_TENANT_LIMITS: TenantLimits = {
  requestsPerSecond: 100,
  requestBurst: 1_000,
  concurrentTasks: 10,
  concurrentBulkJobs: 10,
  taskItems: MAX_TASK_QUANTITY,
  storedBytes: 10 * 1024 ** 3,
};

const ENV: Record<keyof TenantLimits, string> = {
  requestsPerSecond: 'BATCHYARD_LIMIT_REQUESTS_PER_SECOND',
  requestBurst: 'BATCHYARD_LIMIT_REQUEST_BURST',
  concurrentTasks: 'BATCHYARD_LIMIT_CONCURRENT_TASKS',
  concurrentBulkJobs: 'BATCHYARD_LIMIT_CONCURRENT_BULK_JOBS',
  taskItems: 'BATCHYARD_LIMIT_TASK_ITEMS',
  storedBytes: 'BATCHYARD_LIMIT_STORED_BYTES',
};

/** The limits the environment sets, the defaults elsewhere; a value that is not a number ≥ 0 is refused at start. */
export function loadTenantLimits(env: NodeJS.ProcessEnv): TenantLimits {
  const limits = { ...DEFAULT_TENANT_LIMITS };
  for (const [field, name] of Object.entries(ENV) as [keyof TenantLimits, string][]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0 (0 turns the limit off), not ${JSON.stringify(raw)}`);
    limits[field] = value;
  }
  limits.taskItems = limits.taskItems ? Math.min(limits.taskItems, MAX_TASK_QUANTITY) : MAX_TASK_QUANTITY;
  return limits;
}
