// An example consumer of Batchyard's domain events over Kafka (kafkajs), as docs/events.md explains it.
// Run it: npm run build && KAFKA_BROKERS=127.0.0.1:9092 node dist/examples/consumer/batch-events-consumer.js batch
import { Kafka, logLevel } from 'kafkajs';
import { EventCatalogue, MessageHeaders, Topics, type EventDefinition, type RecordedEvent } from '@batchyard/contracts';

export interface EventConsumerOptions {
  brokers: string[];
  /** The installation's BATCHYARD_NAMESPACE, when it has one: it prefixes topics. */
  namespace?: string;
  groupId: string;
  /** Stream categories to follow: `batch`, `tenant`, … (the channels of docs/asyncapi.json). */
  categories: readonly string[];
  /** Called once per event, in order per stream, with `data` validated against its contract. */
  onEvent: (event: RecordedEvent) => Promise<void>;
  fromBeginning?: boolean;
}

const contracts = new Map<string, EventDefinition>(EventCatalogue.map((e) => [`${e.type}@v${e.version}`, e]));

export async function startEventConsumer(options: EventConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const prefix = options.namespace ? `${options.namespace}.` : '';
  const kafka = new Kafka({ clientId: options.groupId, brokers: options.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: prefix + options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: options.categories.map((c) => prefix + Topics.events(c)), fromBeginning: options.fromBeginning ?? true });
  // Delivery is at least once: skip what was handled. A real consumer keeps these ids (or the stream's last
  // revision) in its own database, written in the same transaction as its effects.
  const handled = new Set<string>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const messageId = message.headers?.[MessageHeaders.messageId]?.toString();
      if (!messageId || !message.value || handled.has(messageId)) return;
      const event = JSON.parse(message.value.toString()) as RecordedEvent;
      const contract = contracts.get(`${event.type}@v${event.version}`);
      // An event type or version newer than this consumer: skip it (or upcast older versions to the one you know).
      if (!contract) return;
      await options.onEvent({ ...event, data: contract.schema.parse(event.data) });
      handled.add(messageId);
    },
  });
  return { stop: () => consumer.disconnect() };
}

if (require.main === module) {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const categories = process.argv.slice(2);
  startEventConsumer({
    brokers,
    namespace: process.env.BATCHYARD_NAMESPACE || undefined,
    groupId: process.env.GROUP_ID ?? 'example-consumer',
    categories: categories.length ? categories : ['batch'],
    onEvent: async (event) => console.log(JSON.stringify({ stream: event.stream, revision: event.revision, type: event.type, data: event.data })),
  }).then(
    (consumer) => process.on('SIGINT', () => void consumer.stop().then(() => process.exit(0))),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
