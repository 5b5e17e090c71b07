import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedBus } from './embedded/embedded-bus';
import { KafkaBus } from './kafka/kafka-bus';
import { kafkaTimingsFromEnv } from './kafka/kafka-settings';
import type { MessageBus } from './port';
import { maxMessageBytesFromEnv } from './shared/message-size';
import { partitionsFromEnv } from './shared/partitions';

export interface OpenMessageBusOptions {
  /** Where the embedded bus keeps `bus.sqlite`. */
  dataDir: string;
  /** Kafka in distributed mode; unset or empty → the embedded bus. */
  kafkaBrokers?: string[];
  clientId: string;
}

/** The bus this configuration names: Kafka when brokers are given, else the embedded log under dataDir. */
export async function openMessageBus(opts: OpenMessageBusOptions): Promise<MessageBus> {
  const maxMessageBytes = maxMessageBytesFromEnv();
  const defaultPartitions = partitionsFromEnv();
  if (opts.kafkaBrokers?.length) {
    return KafkaBus.open({ brokers: opts.kafkaBrokers, clientId: opts.clientId, maxMessageBytes, defaultPartitions, ...kafkaTimingsFromEnv() });
  }
  await mkdir(opts.dataDir, { recursive: true });
  return new EmbeddedBus(join(opts.dataDir, 'bus.sqlite'), { maxMessageBytes, defaultPartitions });
}
