import type { ConsumeOptions, MessageBus, OutgoingMessage } from '@batchyard/messaging';

/**
 * Several installations (or test runs) can share one Kafka cluster: with a namespace, every topic
 * and consumer group gets its prefix, and consumers see the names without it.
 */
export function namespacedBus(bus: MessageBus, namespace: string | undefined): MessageBus {
  if (!namespace) return bus;
  const prefix = `${namespace}.`;
  const outward = (m: OutgoingMessage) => ({ ...m, topic: prefix + m.topic });
  return {
    ensureTopics: (topics) => bus.ensureTopics(topics.map((t) => ({ ...t, name: prefix + t.name }))),
    publish: (messages) => bus.publish(messages.map(outward)),
    consume: (options: ConsumeOptions) =>
      bus.consume({
        ...options,
        groupId: prefix + options.groupId,
        topics: options.topics.map((t) => prefix + t),
        handler: (message) => options.handler({ ...message, topic: message.topic.slice(prefix.length) }),
      }),
    consumerLag: async (groupPrefix = '') =>
      (await bus.consumerLag(prefix + groupPrefix))
        .filter((lag) => lag.topic.startsWith(prefix))
        .map((lag) => ({ ...lag, groupId: lag.groupId.slice(prefix.length), topic: lag.topic.slice(prefix.length) })),
    close: () => bus.close(),
  };
}
