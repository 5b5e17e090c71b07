import { categoryOf } from './streams';

/** Kafka topics. Commands are keyed by aggregate id, events by stream name. */
export const Topics = {
  commands: (category: string) => `batchyard.commands.${category}`,
  events: (category: string) => `batchyard.events.${category}`,
  deadLetters: (topic: string) => `${topic}.dlq`,
} as const;

export function eventTopicOf(stream: string): string {
  return Topics.events(categoryOf(stream));
}

/** Message headers carried on every event and command message, so consumers can deduplicate and trace. */
export const MessageHeaders = {
  messageId: 'message-id',
  type: 'type',
  version: 'version',
  tenant: 'tenant',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;
