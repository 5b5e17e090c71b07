import type { KafkaBusOptions } from '../kafka/kafka-bus';

/**
 * The Kafka tier's settings, or undefined (after a loud banner) when no broker is configured: the
 * caller then registers its Kafka suites as skipped. The banner goes to stderr because jest drops
 * console output of a file whose tests all skip.
 */
export function kafkaTier(): Omit<KafkaBusOptions, 'clientId'> | undefined {
  const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
  if (brokers.length === 0) {
    process.stderr.write('\n***** Kafka tier NOT RUN: KAFKA_BROKERS is not set (.ci/run starts a real broker) *****\n\n');
    return undefined;
  }
  // The broker's floor for sessions (group.min.session.timeout.ms); frequent heartbeats make groups rebalance fast.
  return { brokers, sessionTimeoutMs: 6000, heartbeatMs: 500 };
}
