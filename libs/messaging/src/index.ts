export * from './port';
export { openMessageBus, type OpenMessageBusOptions } from './open-message-bus';
export { EmbeddedBus, type EmbeddedBusOptions } from './embedded/embedded-bus';
export { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus';
export { DEFAULT_MAX_MESSAGE_BYTES, messageBytes, maxMessageBytesFromEnv } from './shared/message-size';
export { DEFAULT_PARTITIONS, partitionsFromEnv } from './shared/partitions';
export { kafkaTimingsFromEnv, PRODUCTION_TIMINGS, type KafkaTimings } from './kafka/kafka-settings';
export { consumeReliably, type HandlerFailure, type ReliableConsumeOptions } from './reliable/consume-reliably';
export { backoffDelay, type BackoffOptions } from './reliable/backoff';
export { describeError } from './shared/describe-error';
export { sleep } from './shared/sleep';
export { isRetriable } from './kafka/kafka-transient';
export {
  DeadLetterHeaders,
  deadLetterTopic,
  redrive,
  type DeadLetter,
  type DeadLetterSink,
} from './reliable/dead-letters';
export { BUS_TRANSPORT, BusTransport, type BusTransportOptions } from './nest/bus-transport';
export { BusClient, type BusClientOptions } from './nest/bus-client';
export { BusContext } from './nest/bus-context';
export { BusExceptionFilter } from './nest/bus-exception-filter';
export { partitionOf } from './embedded/partition-of';
