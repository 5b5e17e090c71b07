import { Topics } from '@batchyard/contracts';
import type { Headers, IncomingMessage, MessageBus, OutgoingMessage } from '../port';
import { describeError } from '../shared/describe-error';

/** A message that failed every attempt of one consumer group, as recorded for inspection and redrive. */
export interface DeadLetter {
  /** Stable per group and message, so recording a dead letter twice (after a crash) can overwrite. */
  id: string;
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  /** The message's own headers, without the dead-letter ones. */
  headers: Headers;
  error: string;
  stack?: string;
  attempts: number;
  deadLetteredAt: string;
}

/** Where dead letters are kept for the operator (the read store in the apps). */
export interface DeadLetterSink {
  record(entry: DeadLetter): Promise<void>;
}

/** Headers a dead-lettered message carries on `<topic>.dlq` besides its own. */
export const DeadLetterHeaders = {
  error: 'dlq-error',
  stack: 'dlq-stack',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  group: 'dlq-group',
  attempts: 'dlq-attempts',
  at: 'dlq-dead-lettered-at',
} as const;

const MAX_ERROR_CHARS = 1000;
const MAX_STACK_CHARS = 4000;

/** The one naming rule lives in the contracts, where consumers read it. */
export const deadLetterTopic = Topics.deadLetters;

export function deadLetterOf(message: IncomingMessage, groupId: string, error: unknown, attempts: number): DeadLetter {
  const { text, stack } = describeError(error);
  return {
    id: `${groupId}/${message.topic}/${message.partition}/${message.offset}`,
    groupId,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers,
    error: text.slice(0, MAX_ERROR_CHARS),
    ...(stack && { stack: stack.slice(0, MAX_STACK_CHARS) }),
    attempts,
    deadLetteredAt: new Date().toISOString(),
  };
}

/** The dead letter as a message on its topic's dead-letter topic, keyed as the original. */
export function deadLetterMessage(entry: DeadLetter): OutgoingMessage {
  return {
    topic: deadLetterTopic(entry.topic),
    key: entry.key,
    value: entry.value,
    headers: {
      ...entry.headers,
      [DeadLetterHeaders.error]: entry.error,
      ...(entry.stack && { [DeadLetterHeaders.stack]: entry.stack }),
      [DeadLetterHeaders.topic]: entry.topic,
      [DeadLetterHeaders.partition]: String(entry.partition),
      [DeadLetterHeaders.offset]: entry.offset,
      [DeadLetterHeaders.group]: entry.groupId,
      [DeadLetterHeaders.attempts]: String(entry.attempts),
      [DeadLetterHeaders.at]: entry.deadLetteredAt,
    },
  };
}

/**
 * Publishes dead letters again to their original topics, as they were first published. Every group
 * on the topic gets them again (after newer messages of the same key): consumers deduplicate on the
 * message id, so only the group that failed acts on them.
 */
export async function redrive(bus: MessageBus, entries: readonly DeadLetter[]): Promise<void> {
  await bus.publish(entries.map(({ topic, key, value, headers }) => ({ topic, key, value, headers })));
}
