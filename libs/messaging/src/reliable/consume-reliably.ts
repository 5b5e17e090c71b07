import { MessageTooLargeError, type ConsumeOptions, type Consumption, type IncomingMessage, type MessageBus } from '../port';
import { sleep } from '../shared/sleep';
import { backoffDelay, type BackoffOptions } from './backoff';
import { deadLetterMessage, deadLetterOf, type DeadLetter, type DeadLetterSink } from './dead-letters';

export interface HandlerFailure {
  message: IncomingMessage;
  error: unknown;
  /** 1 for the first try. */
  attempt: number;
  /** Set when this was the last attempt and the message went to the dead-letter topic. */
  deadLetter?: DeadLetter;
}

export interface ReliableConsumeOptions extends ConsumeOptions {
  deadLetters: DeadLetterSink;
  /** Tries after the first before a message is dead-lettered (default 5). */
  retries?: number;
  backoff?: BackoffOptions;
  /** Told of every failed attempt, for logging. */
  onFailure?: (failure: HandlerFailure) => void;
}

const DEFAULT_RETRIES = 5;

/**
 * Consumes through the port with bounded retries: a message whose handler keeps failing is
 * published to `<topic>.dlq` with its error, recorded in the sink, and then committed, so a poison
 * message never blocks its partition. Retries happen in place, which keeps the partition's order.
 * A message retried when the consumption stops is not committed: it is delivered again later.
 */
export async function consumeReliably(bus: MessageBus, options: ReliableConsumeOptions): Promise<Consumption> {
  const { deadLetters, retries = DEFAULT_RETRIES, backoff, onFailure, handler, ...consume } = options;
  const stopping = new AbortController();
  const consumption = await bus.consume({
    ...consume,
    handler: async (message) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await handler(message);
        } catch (error) {
          if (attempt > retries) {
            const deadLetter = deadLetterOf(message, options.groupId, error, attempt);
            await bus.publish([deadLetterMessage(deadLetter)]).catch((error: unknown) => {
              // A message this close to the limit has no room for the dead-letter headers: the sink alone keeps it.
              if (!(error instanceof MessageTooLargeError)) throw error;
            });
            await deadLetters.record(deadLetter);
            onFailure?.({ message, error, attempt, deadLetter });
            return;
          }
          onFailure?.({ message, error, attempt });
          await sleep(backoffDelay(attempt, backoff), stopping.signal);
          if (stopping.signal.aborted) throw error;
        }
      }
    },
  });
  return {
    async stop() {
      stopping.abort();
      await consumption.stop();
    },
  };
}
