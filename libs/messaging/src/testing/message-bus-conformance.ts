import { randomUUID } from 'node:crypto';
import { MessageTooLargeError, type Consumption, type IncomingMessage, type MessageBus, type OutgoingMessage } from '../port';
import { consumeReliably } from '../reliable/consume-reliably';
import { DeadLetterHeaders, deadLetterTopic, redrive, type DeadLetter } from '../reliable/dead-letters';
import { DEFAULT_MAX_MESSAGE_BYTES, messageBytes } from '../shared/message-size';
import { sleep } from '../shared/sleep';

/** Long enough for a Kafka group to join and rebalance on 2 cores; the embedded bus needs milliseconds. */
const WAIT_MS = 20_000;

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** The largest message of `key` that takes at most `bytes` as the buses measure it (a record batch holding it alone). */
function messageOf(topic: string, key: string, bytes: number): OutgoingMessage {
  const base = { topic, key, value: '', headers: { 'message-id': key } };
  let value = 'x'.repeat(bytes - messageBytes(base));
  while (messageBytes({ ...base, value }) > bytes) value = value.slice(0, -1);
  return { ...base, value };
}

/**
 * The message-bus port's behaviour, run against every adapter (each opened with the default limit, Kafka's own). `open` gives a new bus on the same
 * underlying log each time it is called (the same file, the same cluster), so reopening is a restart.
 */
export function describeMessageBusConformance(name: string, open: () => Promise<MessageBus>): void {
  describe(`MessageBus conformance: ${name}`, () => {
    const buses: MessageBus[] = [];
    const consumptions: Consumption[] = [];
    const openBus = async () => {
      const bus = await open();
      buses.push(bus);
      return bus;
    };
    const track = (consumption: Consumption) => {
      consumptions.push(consumption);
      return consumption;
    };
    /** The groups a test consumes with: it counts deliveries once they have committed everything (below). */
    const groups = new Set<string>();
    /**
     * Waits until every group of the test has committed the whole of `topic`: then a duplicate or a stray delivery would
     * already be in what it collected, so a count taken after this is final (a position, not a pause).
     */
    const committed = (bus: MessageBus, topic: string) =>
      eventually(async () => {
        for (const groupId of groups) if ((await bus.consumerLag(groupId)).some((l) => l.topic === topic && l.lag > 0)) return false;
        return true;
      }, `every group to commit the whole of ${topic}`);
    afterEach(async () => {
      groups.clear();
      for (const consumption of consumptions.splice(0)) await consumption.stop();
      for (const bus of buses.splice(0)) await bus.close();
    });

    /** Consumes into an array; the handler may throw to refuse a message. */
    async function collect(bus: MessageBus, topic: string, groupId: string, refuse: (m: IncomingMessage) => boolean = () => false) {
      const received: IncomingMessage[] = [];
      groups.add(groupId);
      track(
        await bus.consume({
          groupId,
          topics: [topic],
          handler: async (message) => {
            received.push(message);
            if (refuse(message)) throw new Error(`refused ${message.value}`);
          },
        }),
      );
      return received;
    }
    const values = (messages: IncomingMessage[]) => messages.map((m) => m.value);

    it('delivers a published message with its key, value, headers, partition and offset', async () => {
      const bus = await openBus();
      const topic = uniqueName('basic');
      await bus.ensureTopics([{ name: topic }]);
      const received = await collect(bus, topic, uniqueName('g'));
      await bus.publish([{ topic, key: 'k1', value: '{"n":1}', headers: { 'message-id': 'm1', type: 'Tested' } }]);
      await eventually(() => received.length === 1, 'the message');
      const [message] = received;
      expect(message).toMatchObject({ topic, key: 'k1', value: '{"n":1}', headers: { 'message-id': 'm1', type: 'Tested' } });
      expect(Number.isInteger(message.partition) && message.partition >= 0).toBe(true);
      expect(message.offset).toMatch(/^\d+$/);
    });

    it("keeps each key's messages in order across many keys", async () => {
      const bus = await openBus();
      const topic = uniqueName('order');
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
      const perKey = 10;
      for (let round = 0; round < perKey; round += 2) {
        await bus.publish([round, round + 1].flatMap((seq) => keys.map((key) => ({ topic, key, value: JSON.stringify({ key, seq }) }))));
      }
      const received = await collect(bus, topic, uniqueName('g'));
      await eventually(() => received.length >= keys.length * perKey, 'every message');
      await committed(bus, topic);
      expect(received).toHaveLength(keys.length * perKey);
      const sequences = new Map<string, number[]>();
      for (const m of received) {
        const { key, seq } = JSON.parse(m.value) as { key: string; seq: number };
        sequences.set(key, [...(sequences.get(key) ?? []), seq]);
      }
      const inOrder = Array.from({ length: perKey }, (_, i) => i);
      for (const key of keys) expect(sequences.get(key)).toEqual(inOrder);
    });

    it('gives every consumer group every message', async () => {
      const bus = await openBus();
      const topic = uniqueName('groups');
      const first = await collect(bus, topic, uniqueName('g1'));
      const second = await collect(bus, topic, uniqueName('g2'));
      const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await bus.publish(sent.map((value, i) => ({ topic, key: `k${i}`, value })));
      await eventually(() => first.length >= 20 && second.length >= 20, 'both groups');
      expect(values(first).sort()).toEqual([...sent].sort());
      expect(values(second).sort()).toEqual([...sent].sort());
    });

    it('delivers a refused message again, holding the later messages of its key behind it', async () => {
      const bus = await openBus();
      const topic = uniqueName('redeliver');
      let refusals = 0;
      const received = await collect(bus, topic, uniqueName('g'), (m) => m.value === 'first' && refusals++ === 0);
      await bus.publish([
        { topic, key: 'same', value: 'first' },
        { topic, key: 'same', value: 'second' },
      ]);
      await eventually(() => received.length >= 3, 'the redelivery and the next message');
      await committed(bus, topic);
      expect(values(received)).toEqual(['first', 'first', 'second']);
      expect(received[1].offset).toBe(received[0].offset);
    });

    it('resumes a group after its committed offset when the bus is reopened', async () => {
      const topic = uniqueName('resume');
      const groupId = uniqueName('g');
      const before = await openBus();
      const firstRun = await collect(before, topic, groupId);
      await before.publish(['a', 'b', 'c'].map((value) => ({ topic, key: value, value })));
      await eventually(() => firstRun.length === 3, 'the first run');
      await consumptions.pop()!.stop();
      await buses.pop()!.close();

      const after = await openBus();
      await after.publish(['d', 'e'].map((value) => ({ topic, key: value, value })));
      const secondRun = await collect(after, topic, groupId);
      await eventually(() => secondRun.length >= 2, 'the second run');
      await committed(after, topic);
      expect(values(secondRun).sort()).toEqual(['d', 'e']);
    });

    it('starts a new group at the end of the log when fromBeginning is false', async () => {
      const bus = await openBus();
      const topic = uniqueName('latest');
      await bus.publish([{ topic, key: 'k', value: 'old' }]);
      const received: string[] = [];
      track(
        await bus.consume({
          groupId: uniqueName('g'),
          topics: [topic],
          fromBeginning: false,
          handler: async (m) => void received.push(m.value),
        }),
      );
      // Kafka places a new group at the end when it first fetches, so publish until one arrives.
      for (let i = 0; received.length === 0; i++) {
        if (i === 100) throw new Error('no new message arrived');
        await bus.publish([{ topic, key: 'k', value: `new-${i}` }]);
        await sleep(200);
      }
      expect(received).not.toContain('old');
    });

    it("shares a group's partitions between its consumers, each message handled once", async () => {
      const bus = await openBus();
      const topic = uniqueName('shared');
      const groupId = uniqueName('g');
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      const one = await collect(bus, topic, groupId);
      const other = await collect(bus, topic, groupId);
      let published = 0;
      // Members split the partitions once both have joined: publish until both got work.
      while (one.length === 0 || other.length === 0) {
        if (published >= 2000) throw new Error(`one consumer got nothing: ${one.length} / ${other.length}`);
        await bus.publish(Array.from({ length: 20 }, (_, i) => ({ topic, key: `k${i}`, value: `m${published + i}` })));
        published += 20;
        await sleep(100);
      }
      await eventually(() => one.length + other.length >= published, 'every message');
      await committed(bus, topic);
      const all = [...values(one), ...values(other)];
      expect(all).toHaveLength(published);
      expect(new Set(all).size).toBe(published);
    });

    it("measures a group's lag on every partition of its topics, down to zero once it has caught up", async () => {
      const bus = await openBus();
      const topic = uniqueName('lag');
      const groupId = uniqueName('g');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      await bus.publish(keys.map((key) => ({ topic, key, value: key })));
      const lagOf = async () => (await bus.consumerLag(groupId)).filter((l) => l.topic === topic);
      const total = async () => (await lagOf()).reduce((sum, l) => sum + l.lag, 0);

      const received = await collect(bus, topic, groupId);
      await eventually(() => received.length === keys.length, 'every message');
      await consumptions.pop()!.stop();
      await eventually(async () => (await total()) === 0, 'the lag to reach zero');
      expect((await lagOf()).map(({ groupId: g, partition }) => [g, partition])).toEqual([
        [groupId, 0],
        [groupId, 1],
      ]);

      await bus.publish(keys.slice(0, 7).map((key) => ({ topic, key, value: `${key}-again` })));
      await eventually(async () => (await total()) === 7, 'the lag to count the new messages');
      const partitionOf = new Map(received.map((m) => [m.key, m.partition]));
      for (const { partition, lag } of await lagOf()) expect(lag).toBe(keys.slice(0, 7).filter((k) => partitionOf.get(k) === partition).length);
      expect(await bus.consumerLag(uniqueName('nobody'))).toEqual([]);
    });

    it('dead-letters a poison message with its error, keeps its key flowing, and redrives it once', async () => {
      const bus = await openBus();
      const topic = uniqueName('poison');
      const groupId = uniqueName('g');
      const sink: DeadLetter[] = [];
      const handled: string[] = [];
      let poisonAttempts = 0;
      let cured = false;
      groups.add(groupId);
      track(
        await consumeReliably(bus, {
          groupId,
          topics: [topic],
          retries: 2,
          backoff: { baseMs: 10, maxMs: 20 },
          deadLetters: { record: async (entry) => void sink.push(entry) },
          handler: async (m) => {
            if (m.value === 'poison' && !cured) {
              poisonAttempts++;
              throw new Error('cannot digest poison');
            }
            handled.push(m.value);
          },
        }),
      );
      const dlq = await collect(bus, deadLetterTopic(topic), uniqueName('dlq-reader'));
      await bus.publish([
        { topic, key: 'same', value: 'poison', headers: { 'message-id': 'p1' } },
        { topic, key: 'same', value: 'after' },
      ]);
      await eventually(() => handled.includes('after') && dlq.length === 1 && sink.length === 1, 'the dead letter and the next message');

      expect(poisonAttempts).toBe(3);
      expect(handled).toEqual(['after']);
      const [entry] = sink;
      expect(entry).toMatchObject({ groupId, topic, key: 'same', value: 'poison', error: 'cannot digest poison', attempts: 3 });
      expect(entry.headers).toEqual({ 'message-id': 'p1' });
      expect(entry.stack).toContain('cannot digest poison');
      const [letter] = dlq;
      expect(letter).toMatchObject({ topic: deadLetterTopic(topic), key: 'same', value: 'poison' });
      expect(letter.headers).toMatchObject({
        'message-id': 'p1',
        [DeadLetterHeaders.error]: 'cannot digest poison',
        [DeadLetterHeaders.topic]: topic,
        [DeadLetterHeaders.partition]: String(entry.partition),
        [DeadLetterHeaders.offset]: entry.offset,
        [DeadLetterHeaders.group]: groupId,
        [DeadLetterHeaders.attempts]: '3',
      });
      expect(letter.headers[DeadLetterHeaders.stack]).toContain('cannot digest poison');

      cured = true;
      await redrive(bus, sink);
      await eventually(() => handled.includes('poison'), 'the redriven message');
      await committed(bus, topic);
      await committed(bus, deadLetterTopic(topic));
      expect(handled).toEqual(['after', 'poison']);
      expect(sink).toHaveLength(1);
      expect(dlq).toHaveLength(1);
    });

    it('takes a message of exactly its limit and refuses, in bytes, one larger, publishing nothing of that call', async () => {
      const bus = await openBus();
      const topic = uniqueName('limit');
      const limit = DEFAULT_MAX_MESSAGE_BYTES;
      const largest = messageOf(topic, 'large', limit);
      expect(messageBytes(largest)).toBe(limit);
      const over = { ...largest, value: `${largest.value}x` };
      // Fewer characters than the limit, more bytes: UTF-8 is what counts.
      const wide = { ...largest, value: 'ż'.repeat(limit / 2) };
      expect(wide.value.length).toBeLessThan(limit);
      for (const refused of [over, wide]) {
        const publishing = bus.publish([{ topic, key: 'small', value: 'before' }, refused]);
        await expect(publishing).rejects.toBeInstanceOf(MessageTooLargeError);
        await expect(publishing).rejects.toMatchObject({ topic, key: 'large', messageId: 'large', bytes: messageBytes(refused), limit, retriable: false });
      }
      const received = await collect(bus, topic, uniqueName('g'));
      await bus.publish([largest, { topic, key: 'small', value: 'after' }]);
      await eventually(() => received.length >= 2, 'the largest message and the next');
      await committed(bus, topic);
      expect(received.map((m) => [m.key, m.value.length])).toEqual(
        expect.arrayContaining([
          ['large', largest.value.length],
          ['small', 5],
        ]),
      );
      expect(values(received)).not.toContain('before');
      expect(received).toHaveLength(2);
    });

    it("delivers concurrent publishes once each, each call's messages in order, refusing only the call that cannot fit", async () => {
      const bus = await openBus();
      const topic = uniqueName('concurrent');
      const received = await collect(bus, topic, uniqueName('g'));
      const calls = Array.from({ length: 20 }, (_, c) => Array.from({ length: 3 }, (_, i) => ({ topic, key: `k${c % 5}`, value: `${c}:${i}` })));
      const largest = messageOf(topic, 'large', DEFAULT_MAX_MESSAGE_BYTES);
      const refused = [
        { topic, key: 'k0', value: 'refused' },
        { ...largest, value: `${largest.value}x` },
      ];
      const settled = await Promise.allSettled([...calls.map((messages) => bus.publish(messages)), bus.publish(refused)]);
      expect(settled.slice(0, -1).filter((s) => s.status === 'rejected')).toEqual([]);
      expect(settled.at(-1)).toMatchObject({ status: 'rejected', reason: expect.any(MessageTooLargeError) });
      const all = calls.flat().map((m) => m.value);
      await eventually(() => received.length >= all.length, 'every message');
      await committed(bus, topic);
      expect(values(received).sort()).toEqual(all.sort());
      for (const c of calls.keys()) expect(values(received).filter((v) => v.startsWith(`${c}:`))).toEqual([`${c}:0`, `${c}:1`, `${c}:2`]);
    });

    it("publishes several times its limit in one call, each key's messages in order", async () => {
      const bus = await openBus();
      const topic = uniqueName('split');
      const keys = ['a', 'b', 'c'];
      const sent = Array.from({ length: 12 }, (_, i) => {
        // A third of the limit each: four of one key make more than one record batch may hold.
        const message = messageOf(topic, keys[i % keys.length], Math.floor(DEFAULT_MAX_MESSAGE_BYTES / 3));
        return { ...message, value: `${i}:${message.value.slice(String(i).length + 1)}` };
      });
      const received = await collect(bus, topic, uniqueName('g'));
      await bus.publish(sent);
      await eventually(() => received.length >= sent.length, 'every message');
      await committed(bus, topic);
      expect(received).toHaveLength(sent.length);
      const seq = (m: { value: string }) => Number(m.value.slice(0, m.value.indexOf(':')));
      for (const key of keys) {
        expect(received.filter((m) => m.key === key).map(seq)).toEqual(sent.filter((m) => m.key === key).map(seq));
      }
    });

    describe('with keysInParallel', () => {
      /** Consumes one partition, several keys at once; records what is in flight per key. */
      async function consumeByKey(bus: MessageBus, topic: string, groupId: string, onMessage: (m: IncomingMessage) => Promise<void>) {
        groups.add(groupId);
        const received: IncomingMessage[] = [];
        const inFlight = new Map<string, number>();
        let overlapsOfOneKey = 0;
        track(
          await bus.consume({
            groupId,
            topics: [topic],
            keysInParallel: 4,
            handler: async (message) => {
              received.push(message);
              const running = (inFlight.get(message.key) ?? 0) + 1;
              if (running > 1) overlapsOfOneKey++;
              inFlight.set(message.key, running);
              try {
                await onMessage(message);
              } finally {
                inFlight.set(message.key, inFlight.get(message.key)! - 1);
              }
            },
          }),
        );
        return { received, overlaps: () => overlapsOfOneKey };
      }

      it("lets another key of the partition through while one key's message is in hand, each key in order", async () => {
        const bus = await openBus();
        const topic = uniqueName('bykey');
        await bus.ensureTopics([{ name: topic, partitions: 1 }]);
        let releaseSlow!: () => void;
        const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
        const { received, overlaps } = await consumeByKey(bus, topic, uniqueName('g'), async (m) => {
          if (m.value === 'slow:0') await slowHeld;
        });
        await bus.publish([
          { topic, key: 'slow', value: 'slow:0' },
          { topic, key: 'slow', value: 'slow:1' },
          ...Array.from({ length: 5 }, (_, i) => ({ topic, key: 'fast', value: `fast:${i}` })),
        ]);
        // In partition order the fast key would wait behind slow:0 for ever.
        await eventually(() => received.filter((m) => m.key === 'fast').length === 5, "the other key's messages");
        expect(values(received)).not.toContain('slow:1');
        releaseSlow();
        await eventually(() => received.length >= 7, 'every message');
        await committed(bus, topic);
        expect(values(received.filter((m) => m.key === 'slow'))).toEqual(['slow:0', 'slow:1']);
        expect(values(received.filter((m) => m.key === 'fast'))).toEqual([0, 1, 2, 3, 4].map((i) => `fast:${i}`));
        expect(overlaps()).toBe(0);
      });

      it('delivers a refused message again before the later messages of its key, and commits only what all keys handled', async () => {
        const topic = uniqueName('bykey-retry');
        const groupId = uniqueName('g');
        const bus = await openBus();
        await bus.ensureTopics([{ name: topic, partitions: 1 }]);
        let refusals = 0;
        const { received, overlaps } = await consumeByKey(bus, topic, groupId, async (m) => {
          if (m.value === 'a:0' && refusals++ === 0) throw new Error('refused a:0');
        });
        await bus.publish(['a:0', 'b:0', 'a:1', 'b:1', 'c:0'].map((value) => ({ topic, key: value[0], value })));
        await eventually(() => values(received).includes('a:1') && values(received).includes('c:0'), 'the redelivery and the rest');
        const firstOf = (key: string) => [...new Set(values(received.filter((m) => m.key === key)))];
        expect(firstOf('a')).toEqual(['a:0', 'a:1']);
        expect(values(received).filter((v) => v === 'a:0')).toHaveLength(2);
        expect(values(received).indexOf('a:1')).toBeGreaterThan(values(received).lastIndexOf('a:0'));
        expect(firstOf('b')).toEqual(['b:0', 'b:1']);
        expect(overlaps()).toBe(0);

        // Everything handled was committed: a restart of the group delivers nothing again.
        await committed(bus, topic);
        await consumptions.pop()!.stop();
        const again = await consumeByKey(bus, topic, groupId, async () => {});
        await bus.publish([{ topic, key: 'd', value: 'd:0' }]);
        await eventually(() => again.received.length >= 1, 'the new message');
        await committed(bus, topic);
        expect(values(again.received)).toEqual(['d:0']);
      });
    });
  });
}
