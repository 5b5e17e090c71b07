import { sleep } from '../shared/sleep';

/** How long a just-created topic may stay unknown to a broker's metadata before that is an error. */
const NEW_TOPIC_PATIENCE_MS = 60_000;

/** The topic's partitions have no leader yet, as metadata shows them. */
export class TopicNotReadyError extends Error {
  readonly retriable = true;
  constructor(topics: readonly string[]) {
    super(`topics without leaders yet: ${topics.join(', ')}`);
    this.name = 'TopicNotReadyError';
  }
}

/**
 * A KRaft broker applies a new topic to its metadata after the controller created it, so for a moment after
 * `createTopics` a metadata request, a subscribe or a fetch answers UNKNOWN_TOPIC_OR_PARTITION or "not the
 * leader", which kafkajs surfaces without retrying on some paths (admin's wait for leaders, a consumer's
 * subscribe). Retries `attempt` on such retriable errors; any other error, or one lasting past the patience,
 * is thrown.
 */
export async function untilTopicsSettle<T>(attempt: () => Promise<T>, patienceMs = NEW_TOPIC_PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

/** An error that says it may pass if tried again (kafkajs marks its own, and wraps them when its retries run out). */
export const isRetriable = (error: unknown): boolean => {
  const e = error as { retriable?: boolean; name?: string; cause?: unknown; originalError?: unknown } | undefined;
  if (!e) return false;
  if (e.retriable === true) return true;
  // kafkajs wraps the last retriable error when its own retries run out.
  if (e.name === 'KafkaJSNumberOfRetriesExceeded') return isRetriable(e.originalError ?? e.cause);
  return false;
};
