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
   * Called once per message, in order per partition. Resolving commits the offset; throwing makes the
   * bus deliver the message again (at least once). Retries and dead-lettering sit above the port.
   */
  handler: (message: IncomingMessage) => Promise<void>;
  /** Start of a group that has no committed offset: the earliest message (default) or only new ones. */
  fromBeginning?: boolean;
}

export interface Consumption {
  stop(): Promise<void>;
}

/** The message-bus port: Kafka in distributed mode, a durable in-process log in embedded mode. */
export interface MessageBus {
  ensureTopics(topics: readonly { name: string; partitions?: number }[]): Promise<void>;
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Consumption>;
  close(): Promise<void>;
}
