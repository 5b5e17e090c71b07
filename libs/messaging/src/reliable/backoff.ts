export interface BackoffOptions {
  /** The wait before the first retry; each further retry waits twice as long. */
  baseMs?: number;
  /** No wait is longer than this. */
  maxMs?: number;
}

const DEFAULT_BASE_MS = 100;
const DEFAULT_MAX_MS = 5000;

/**
 * The wait before retry number `retry` (1 for the first): exponential, capped, with jitter between
 * half and all of it, so consumers that failed together do not retry in lockstep.
 */
export function backoffDelay(retry: number, { baseMs = DEFAULT_BASE_MS, maxMs = DEFAULT_MAX_MS }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
