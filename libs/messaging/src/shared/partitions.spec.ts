import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { openMessageBus } from '../open-message-bus';
import { kafkaTier } from '../testing/kafka-tier';
import { uniqueName } from '../testing/message-bus-conformance';
import { DEFAULT_PARTITIONS, partitionsFromEnv } from './partitions';

describe('BATCHYARD_BUS_PARTITIONS', () => {
  it('is the partition count of the topics the apps create, 4 unless set', () => {
    expect(partitionsFromEnv({})).toBe(DEFAULT_PARTITIONS);
    expect(partitionsFromEnv({ BATCHYARD_BUS_PARTITIONS: '6' })).toBe(6);
    for (const wrong of ['0', '-2', '1.5', 'six', '1001']) {
      expect(() => partitionsFromEnv({ BATCHYARD_BUS_PARTITIONS: wrong })).toThrow(/BATCHYARD_BUS_PARTITIONS must be a whole number from 1 to 1000/);
    }
  });

  const tier = kafkaTier();
  (tier ? it : it.skip)('takes effect on real Kafka: a topic the bus creates has that many partitions, whatever the broker’s num.partitions', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-partitions-'));
    const previous = process.env.BATCHYARD_BUS_PARTITIONS;
    process.env.BATCHYARD_BUS_PARTITIONS = '6';
    const bus = await openMessageBus({ dataDir, kafkaBrokers: tier!.brokers, clientId: uniqueName('partitions') });
    const admin = new Kafka({ brokers: tier!.brokers, clientId: uniqueName('admin'), logLevel: logLevel.NOTHING }).admin();
    try {
      const topic = uniqueName('partitions');
      await bus.publish([{ topic, key: 'k', value: 'v' }]);
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0].partitions).toHaveLength(6);
    } finally {
      if (previous === undefined) delete process.env.BATCHYARD_BUS_PARTITIONS;
      else process.env.BATCHYARD_BUS_PARTITIONS = previous;
      await admin.disconnect();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
