import { describeMessageBusConformance, eventually, uniqueName } from '../testing/message-bus-conformance';
import { kafkaTier } from '../testing/kafka-tier';
import { KafkaBus } from './kafka-bus';

const tier = kafkaTier();
const describeKafka = tier ? describe : describe.skip;
const openBus = (clientId: string) => KafkaBus.open({ ...tier!, clientId: uniqueName(clientId) });

describeKafka('Kafka tier', () => {
  describeMessageBusConformance('Kafka', () => openBus('conformance'));

  it('keeps its partition through a handler that outlasts the session timeout', async () => {
    const bus = await openBus('slow');
    const topic = uniqueName('slow');
    const seen: string[] = [];
    const consumption = await bus.consume({
      groupId: uniqueName('g'),
      topics: [topic],
      handler: async (m) => {
        seen.push(m.value);
        if (m.value === 'slow') await new Promise((resolve) => setTimeout(resolve, tier!.sessionTimeoutMs! + 2000));
      },
    });
    await bus.publish([
      { topic, key: 'k', value: 'slow' },
      { topic, key: 'k', value: 'next' },
    ]);
    await eventually(() => seen.includes('next'), 'the message after the slow one', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await consumption.stop();
    await bus.close();
    // Had the member been dropped from the group, its uncommitted message would have come again.
    expect(seen).toEqual(['slow', 'next']);
  }, 40_000);
});
