import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface ConsumerLag {
  group: string;
  topic: string;
  /** Messages published but not yet committed by the group, summed over the topic's partitions. */
  lag: number;
}

/**
 * Consumer-group lag read from Kafka itself (committed offsets against high watermarks), for the groups
 * of one installation: those whose name carries its namespace prefix. Names come back without it.
 */
export class KafkaConsumerLag {
  private admin?: Promise<Admin>;

  constructor(
    private readonly brokers: string[],
    private readonly namespace?: string,
  ) {}

  async measure(): Promise<ConsumerLag[]> {
    const admin = await (this.admin ??= this.connect());
    const prefix = this.namespace ? `${this.namespace}.` : '';
    const { groups } = await admin.listGroups();
    const lags: ConsumerLag[] = [];
    for (const { groupId } of groups.filter((g) => g.groupId.startsWith(prefix))) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        if (!topic.startsWith(prefix)) continue;
        const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        const lag = partitions.reduce((sum, p) => {
          const committed = Number(p.offset);
          const end = high.get(p.partition) ?? 0;
          return sum + Math.max(0, committed < 0 ? end : end - committed);
        }, 0);
        lags.push({ group: groupId.slice(prefix.length), topic: topic.slice(prefix.length), lag });
      }
    }
    return lags;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin).disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    const admin = new Kafka({ clientId: 'batchyard-metrics', brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
    } catch (error) {
      this.admin = undefined;
      throw error;
    }
    return admin;
  }
}
