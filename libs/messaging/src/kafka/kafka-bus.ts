import { Kafka, Partitioners, logLevel, type Admin, type EachBatchPayload, type IHeaders, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { ConsumeOptions, Consumption, Headers, IncomingMessage, MessageBus, OutgoingMessage, PartitionLag } from '../port';
import { DEFAULT_MAX_MESSAGE_BYTES, assertMessagesFit, requestsOf } from '../shared/message-size';
import { handleByKey } from '../shared/handle-by-key';
import { DEFAULT_PARTITIONS } from '../shared/partitions';
import { REDELIVERY_DELAY_MS } from '../shared/redelivery';
import { sleep } from '../shared/sleep';
import { kafkaLogCreator } from './kafka-log';
import { TopicNotReadyError, untilTopicsSettle } from './kafka-transient';
import { PRODUCTION_TIMINGS, type KafkaTimings } from './kafka-settings';

export interface KafkaBusOptions extends Partial<KafkaTimings> {
  brokers: string[];
  clientId: string;
  /** Partitions of a topic this bus creates without a count (on first use, or by `ensureTopics`). */
  defaultPartitions?: number;
  /** The brokers' `message.max.bytes` (default: Kafka's, 1,048,588): no request of this bus is larger. */
  maxMessageBytes?: number;
}

/** Partitions of one consumer handled at the same time, each still in order. */
const PARTITIONS_IN_PARALLEL = 4;
/** Offsets are committed at the end of every batch and at least this often within one. */
const AUTO_COMMIT_INTERVAL_MS = 1000;
/** A fetch waits at most this long for new messages: it bounds how long `stop()` waits for an idle consumer. */
const MAX_FETCH_WAIT_MS = 500;

/**
 * The message bus on Kafka (kafkajs): an idempotent producer acknowledged by all replicas, and one
 * kafkajs consumer per `consume()` call. A message's offset is resolved only after its handler
 * resolved; a handler that throws leaves it unresolved, and the next fetch of its partition starts
 * at it again, so nothing behind it is skipped.
 *
 * On Node 24 kafkajs prints a harmless `TimeoutNegativeWarning` (a timer it computes can be
 * negative, which Node now reports and treats as 1 ms).
 */
export class KafkaBus implements MessageBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private adminConnected?: Promise<void>;
  private readonly timings: KafkaTimings;
  private readonly defaultPartitions: number;
  private readonly maxMessageBytes: number;
  private readonly knownTopics = new Set<string>();
  private readonly consumptions = new Set<Consumption>();
  private readonly queued: { messages: readonly OutgoingMessage[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private sending?: Promise<void>;

  /** Connects the producer, so a wrong broker address fails here rather than at the first publish. */
  static async open(options: KafkaBusOptions): Promise<KafkaBus> {
    const bus = new KafkaBus(options);
    await bus.producer.connect();
    return bus;
  }

  private constructor(options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator,
      // A topic just created may not have its leaders known to every broker connection yet ("not the leader",
      // "does not host this topic-partition"): kafkajs's default 5 retries (≈ 9 s) ran out on a loaded broker.
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 12 },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      // One request in flight per broker keeps a key's messages in order across retries.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.timings = {
      sessionTimeoutMs: options.sessionTimeoutMs ?? PRODUCTION_TIMINGS.sessionTimeoutMs,
      heartbeatMs: options.heartbeatMs ?? PRODUCTION_TIMINGS.heartbeatMs,
    };
    this.defaultPartitions = options.defaultPartitions ?? DEFAULT_PARTITIONS;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  async ensureTopics(topics: readonly { name: string; partitions?: number }[]): Promise<void> {
    const missing = new Map<string, number>();
    for (const { name, partitions } of topics) {
      if (!this.knownTopics.has(name)) missing.set(name, partitions ?? this.defaultPartitions);
    }
    if (missing.size === 0) return;
    await this.connectAdmin();
    await untilTopicsSettle(async () => {
      const existing = new Set(await this.admin.listTopics());
      const create = [...missing].filter(([name]) => !existing.has(name));
      // Answers false rather than failing for topics another process created since they were listed.
      if (create.length) await this.admin.createTopics({ topics: create.map(([topic, numPartitions]) => ({ topic, numPartitions })) });
      const { topics: known } = await this.admin.fetchTopicMetadata({ topics: [...missing.keys()] });
      const leaderless = known.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (leaderless.length) throw new TopicNotReadyError(leaderless.map((t) => t.name));
    });
    for (const { name } of topics) this.knownTopics.add(name);
  }

  /**
   * Publishes that arrive while a send is in flight go out together in the next send: with one request in flight,
   * sixteen gateway requests sending one command each waited for fifteen round trips to the brokers in turn.
   * A caller's messages stay together and in its order; the call resolves once its messages are acknowledged.
   */
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    assertMessagesFit(messages, this.maxMessageBytes);
    await this.ensureTopics([...new Set(messages.map((m) => m.topic))].map((name) => ({ name })));
    return new Promise((resolve, reject) => {
      this.queued.push({ messages, resolve, reject });
      if (!this.sending) this.sending = this.sendQueued();
    });
  }

  private async sendQueued(): Promise<void> {
    while (this.queued.length) {
      const publishes = this.queued.splice(0);
      try {
        await this.send(publishes.flatMap((p) => p.messages));
        for (const p of publishes) p.resolve();
      } catch (error) {
        for (const p of publishes) p.reject(error);
      }
    }
    this.sending = undefined;
  }

  /**
   * A broker refuses a partition's record batch above its `message.max.bytes` (MESSAGE_TOO_LARGE, for good), and
   * kafkajs sends a whole `sendBatch` as one request per broker, a batch per partition: so a publish goes as
   * requests of at most that size, one after another, which keeps each key's order.
   */
  private async send(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const request of requestsOf(messages, this.maxMessageBytes)) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, key, value, headers } of request) {
        let batch = byTopic.get(topic);
        if (!batch) byTopic.set(topic, (batch = []));
        batch.push({ key, value, headers });
      }
      const topicMessages = [...byTopic].map(([topic, batch]) => ({ topic, messages: batch }));
      // A resend after kafkajs gave up is safe: every consumer handles a repeated message as it did the first.
      await untilTopicsSettle(() => this.producer.sendBatch({ acks: -1, topicMessages })).catch((error: unknown) => {
        if ((error as { type?: string }).type !== 'MESSAGE_TOO_LARGE') throw error;
        throw new Error(`the broker refused a request this bus sized to ${this.maxMessageBytes} bytes: set BATCHYARD_BUS_MAX_MESSAGE_BYTES to the brokers' message.max.bytes`, {
          cause: error,
        });
      });
    }
  }

  async consume(options: ConsumeOptions): Promise<Consumption> {
    await this.ensureTopics(options.topics.map((name) => ({ name })));
    const { sessionTimeoutMs, heartbeatMs } = this.timings;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatMs,
      maxWaitTimeInMs: Math.min(MAX_FETCH_WAIT_MS, heartbeatMs),
      allowAutoTopicCreation: false,
    });
    const stopping = new AbortController();
    await consumer.connect();
    try {
      await untilTopicsSettle(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true }));
      await consumer.run({
        autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
        eachBatch: (payload) => deliverBatch(payload, options, heartbeatMs, stopping.signal),
      });
    } catch (error) {
      await consumer.disconnect();
      throw error;
    }
    const consumption: Consumption = {
      stop: async () => {
        stopping.abort();
        // Waits for the batches in hand, commits what they resolved and leaves the group.
        await consumer.disconnect();
        this.consumptions.delete(consumption);
      },
    };
    this.consumptions.add(consumption);
    return consumption;
  }

  /** Committed offsets against high watermarks, as Kafka's own tools measure lag. */
  async consumerLag(groupPrefix = ''): Promise<PartitionLag[]> {
    await this.connectAdmin();
    const { groups } = await this.admin.listGroups();
    const ends = new Map<string, Promise<{ partition: number; high: string }[]>>();
    const lags: PartitionLag[] = [];
    for (const groupId of groups.map((g) => g.groupId).filter((id) => id.startsWith(groupPrefix))) {
      for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId })) {
        if (!ends.has(topic)) ends.set(topic, this.admin.fetchTopicOffsets(topic));
        const committed = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
        for (const { partition, high } of await ends.get(topic)!) {
          // -1 (or no entry): the group never committed on this partition.
          const offset = Math.max(0, committed.get(partition) ?? 0);
          lags.push({ groupId, topic, partition, lag: Math.max(0, Number(high) - offset) });
        }
      }
    }
    return lags.sort((a, b) => a.groupId.localeCompare(b.groupId) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumptions].map((consumption) => consumption.stop()));
    await this.sending;
    await this.producer.disconnect();
    if (this.adminConnected) await this.admin.disconnect();
  }

  private connectAdmin(): Promise<void> {
    this.adminConnected ??= this.admin.connect().catch((error: unknown) => {
      this.adminConnected = undefined;
      throw error;
    });
    return this.adminConnected;
  }
}

async function deliverBatch(
  { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload,
  { handler, keysInParallel = 1 }: ConsumeOptions,
  heartbeatMs: number,
  stopping: AbortSignal,
): Promise<void> {
  const handleOne = async (message: KafkaMessage) => {
    try {
      await handler(incoming(batch.topic, batch.partition, message));
      return true;
    } catch {
      await sleep(REDELIVERY_DELAY_MS, stopping);
      return false;
    }
  };
  const stopped = () => !isRunning() || isStale();
  // One key at a time, each message is committed as soon as it is handled; several, the batch's handled prefix.
  const stepSize = keysInParallel > 1 ? batch.messages.length : 1;
  for (let start = 0; start < batch.messages.length && !stopped();) {
    const messages = batch.messages.slice(start, start + stepSize).map((message) => ({ key: message.key?.toString() ?? '', message }));
    const { handled, heartbeatError } = await whileHeartbeating(heartbeat, heartbeatMs, () => handleByKey(messages, keysInParallel, (keyed) => handleOne(keyed.message), stopped));
    // Left unresolved, a message is where the next fetch of this partition starts.
    if (handled === 0) return;
    resolveOffset(messages[handled - 1].message.offset);
    await commitOffsetsIfNecessary();
    // A rebalance noticed during the handler: kafkajs rejoins the group once this error reaches it.
    if (heartbeatError) throw heartbeatError;
    if (handled < messages.length) return;
    start += handled;
    await heartbeat();
  }
}

/**
 * Runs `work` while heartbeating: kafkajs heartbeats only between messages, and a handler that runs
 * or retries longer than the session timeout would otherwise lose its partitions mid-message.
 */
async function whileHeartbeating(heartbeat: () => Promise<void>, intervalMs: number, work: () => Promise<number>): Promise<{ handled: number; heartbeatError?: unknown }> {
  let heartbeatError: unknown;
  const timer = setInterval(() => heartbeat().catch((error: unknown) => (heartbeatError ??= error)), intervalMs);
  try {
    return { handled: await work(), heartbeatError };
  } finally {
    clearInterval(timer);
  }
}

function incoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? '',
    value: message.value?.toString() ?? '',
    headers: textHeaders(message.headers),
  };
}

function textHeaders(headers: IHeaders = {}): Headers {
  const text: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) text[name] = first.toString();
  }
  return text;
}
