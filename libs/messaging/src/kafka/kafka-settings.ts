export interface KafkaTimings {
  /** How long the broker waits for a silent consumer before moving its partitions to other members. */
  sessionTimeoutMs: number;
  /** How often a consumer tells the broker it is alive; well under a third of the session timeout. */
  heartbeatMs: number;
}

/**
 * Production defaults are kafkajs' own: a crashed consumer's partitions move after 30 s. Crash tests
 * set `KAFKA_SESSION_TIMEOUT_MS=6000` and `KAFKA_HEARTBEAT_MS=500` so they move within seconds on 2
 * cores; the broker refuses sessions below its `group.min.session.timeout.ms` (6 s by default).
 */
export const PRODUCTION_TIMINGS: KafkaTimings = { sessionTimeoutMs: 30_000, heartbeatMs: 3000 };

export function kafkaTimingsFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaTimings {
  return {
    sessionTimeoutMs: positiveInteger(env, 'KAFKA_SESSION_TIMEOUT_MS') ?? PRODUCTION_TIMINGS.sessionTimeoutMs,
    heartbeatMs: positiveInteger(env, 'KAFKA_HEARTBEAT_MS') ?? PRODUCTION_TIMINGS.heartbeatMs,
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer of milliseconds, not "${text}"`);
  return value;
}
