export type Headers = Record<string, string>;

export interface OutgoingMessage {
  topic: string;
  /** Partitioning key (the aggregate id): messages of one key are delivered in order. */
  key: string;
  value: string;
  headers?: Headers;
}

export interface IncomingMessage extends OutgoingMessage {
  headers: Headers;
  partition: number;
  offset: string;
}

export interface ConsumeOptions {
  groupId: string;
  topics: readonly string[];
  /**
   * Called once per message, in order per partition (per key with `keysInParallel`). Resolving commits the
   * offset; throwing makes the bus deliver the message again (at least once). Retries and dead-lettering sit above the port.
   */
  handler: (message: IncomingMessage) => Promise<void>;
  /** Start of a group that has no committed offset: the earliest message (default) or only new ones. */
  fromBeginning?: boolean;
  /**
   * How many keys of one partition may be handled at once (default 1: the partition's order). Above 1, each key's
   * messages still arrive in order, one at a time, but a slow key no longer holds up the others behind it.
   */
  keysInParallel?: number;
}

export interface Consumption {
  stop(): Promise<void>;
}

export interface PartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  /** Messages published to the partition that the group has not committed (all of them before its first commit). */
  lag: number;
}

/**
 * A message larger than the bus takes, measured as Kafka measures it: in bytes, as a record batch holding it alone
 * (key, value and headers in UTF-8, and their framing). Permanent: publishing it again fails the same way, so a
 * processor parks what causes it instead of retrying.
 */
export class MessageTooLargeError extends Error {
  readonly retriable = false;
  constructor(
    readonly topic: string,
    readonly key: string,
    readonly bytes: number,
    readonly limit: number,
    readonly messageId?: string,
  ) {
    super(`message ${messageId ?? `with key ${key}`} on ${topic} takes ${bytes} bytes; the bus takes at most ${limit}`);
    this.name = 'MessageTooLargeError';
  }
}

/** The message-bus port: Kafka in distributed mode, a durable in-process log in embedded mode. */
export interface MessageBus {
  ensureTopics(topics: readonly { name: string; partitions?: number }[]): Promise<void>;
  /**
   * Publishes the messages, each key's in their order, however many bytes they make together. A message larger
   * than the bus's limit fails the whole call with MessageTooLargeError before anything is published.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Consumption>;
  /**
   * Lag of the consumer groups whose id starts with `groupPrefix` (every group when omitted), on each
   * partition of each topic they have consumed, whether or not a member is running now; ordered by
   * group, topic and partition.
   */
  consumerLag(groupPrefix?: string): Promise<PartitionLag[]>;
  close(): Promise<void>;
}
