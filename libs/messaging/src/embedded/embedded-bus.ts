import { resolve } from 'node:path';
import type { ConsumeOptions, Consumption, MessageBus, OutgoingMessage, PartitionLag } from '../port';
import { DEFAULT_MAX_MESSAGE_BYTES, assertMessagesFit } from '../shared/message-size';
import { DEFAULT_PARTITIONS } from '../shared/partitions';
import { BusDatabase } from './bus-database';
import { signal, signalAll } from './change-signal';
import { GroupMember, type GroupTimings } from './group-member';
import { partitionOf } from './partition-of';

export interface EmbeddedBusOptions extends Partial<GroupTimings> {
  /** Partitions of a topic created without a count (on first use, or by `ensureTopics`). */
  defaultPartitions?: number;
  /** How often consumers look for commits made by other processes. */
  pollMs?: number;
  /** Messages older than this are removed when the bus opens (Kafka's default retention: 7 days). */
  retentionMs?: number;
  /** Told of store errors met in the background (balancing, consuming); both retry on their own. */
  onError?: (error: unknown) => void;
  /** The largest message, measured as Kafka measures it, so both buses take the same messages (default: Kafka's). */
  maxMessageBytes?: number;
}

const DEFAULTS = {
  defaultPartitions: DEFAULT_PARTITIONS,
  pollMs: 25,
  heartbeatMs: 1000,
  leaseTtlMs: 5000,
  retentionMs: 7 * 24 * 3600_000,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  onError: (error: unknown) => console.error('[embedded bus]', error),
};

/**
 * The embedded message bus: a durable log in one SQLite file that the processes of one machine
 * share, with Kafka's meaning for the port: partitions by key hash, offsets committed per consumer
 * group after the handler resolved, partitions of a group split between its members.
 *
 * Consumers wake at once for publishes of this process, and within `pollMs` for those of others.
 */
export class EmbeddedBus implements MessageBus {
  private readonly db: BusDatabase;
  private readonly file: string;
  private readonly settings: typeof DEFAULTS;
  private readonly members = new Set<GroupMember>();
  private poller?: NodeJS.Timeout;

  constructor(file: string, options: EmbeddedBusOptions = {}) {
    this.file = resolve(file);
    this.settings = { ...DEFAULTS, ...withoutUndefined(options) };
    this.db = new BusDatabase(this.file);
    this.db.prune(Date.now() - this.settings.retentionMs);
  }

  async ensureTopics(topics: readonly { name: string; partitions?: number }[]): Promise<void> {
    for (const { name, partitions } of topics) this.db.ensureTopic(name, partitions ?? this.settings.defaultPartitions);
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    assertMessagesFit(messages, this.settings.maxMessageBytes);
    const counts = new Map(messages.map((m) => [m.topic, 0]));
    for (const topic of counts.keys()) counts.set(topic, this.db.ensureTopic(topic, this.settings.defaultPartitions));
    const now = Date.now();
    const published = new Set<string>();
    this.db.transaction(() => {
      for (const m of messages) {
        const partition = partitionOf(m.key, counts.get(m.topic)!);
        this.db.append(m.topic, partition, m.key, m.value, JSON.stringify(m.headers ?? {}), now);
        published.add(this.messagesChannel(m.topic, partition));
      }
    });
    // Only the partitions written to: every other partition's worker would read and find nothing.
    for (const channel of published) signal(channel);
  }

  async consume(options: ConsumeOptions): Promise<Consumption> {
    await this.ensureTopics(options.topics.map((name) => ({ name })));
    const { heartbeatMs, leaseTtlMs, onError } = this.settings;
    const channels = { messages: (topic: string, partition: number) => this.messagesChannel(topic, partition), group: `${this.file}\u0000${options.groupId}` };
    const member = new GroupMember(this.db, channels, options, { heartbeatMs, leaseTtlMs }, onError);
    member.start();
    this.members.add(member);
    this.watchOtherProcesses();
    return {
      stop: async () => {
        await member.stop();
        this.members.delete(member);
        if (this.members.size === 0) this.unwatchOtherProcesses();
      },
    };
  }

  async consumerLag(groupPrefix = ''): Promise<PartitionLag[]> {
    return this.db.lag(groupPrefix);
  }

  async close(): Promise<void> {
    await Promise.all([...this.members].map((member) => member.stop()));
    this.members.clear();
    this.unwatchOtherProcesses();
    this.db.close();
  }

  /** One cheap query per poll for all consumers of this bus: wake them when another connection committed. */
  private watchOtherProcesses(): void {
    if (this.poller) return;
    let version = this.db.dataVersion();
    this.poller = setInterval(() => {
      try {
        const current = this.db.dataVersion();
        // Another process wrote: which partitions, only a read tells, so every waiting worker of this bus reads.
        if (current !== version) signalAll(this.messagesChannel(''));
        version = current;
      } catch (error) {
        this.settings.onError(error);
      }
    }, this.settings.pollMs);
  }

  /** The channel of one partition's new messages; without a topic, the prefix of all of them. */
  private messagesChannel(topic: string, partition?: number): string {
    return topic ? `${this.file}\u0000messages\u0000${topic}\u0000${partition}` : `${this.file}\u0000messages\u0000`;
  }

  private unwatchOtherProcesses(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
