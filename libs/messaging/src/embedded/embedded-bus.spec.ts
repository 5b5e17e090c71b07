import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from '../port';
import { eventually, describeMessageBusConformance, uniqueName } from '../testing/message-bus-conformance';
import { EmbeddedBus } from './embedded-bus';

const dir = mkdtempSync(join(tmpdir(), 'batchyard-bus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Short heartbeats so members rebalance quickly; the lease keeps its production length.
describeMessageBusConformance('embedded (SQLite)', async () => new EmbeddedBus(join(dir, 'conformance.sqlite'), { heartbeatMs: 200 }));

const CHILD = join(__dirname, '../testing/embedded-bus-process.js');

function startChild(args: string[]): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop()!;
    lines.push(...complete);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code) process.stderr.write(`child ${args[0]} failed:\n${stderr}\n`);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}

describe('EmbeddedBus across processes', () => {
  const buses: EmbeddedBus[] = [];
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  it('delivers, in order per key, what another process publishes to the same file', async () => {
    const file = join(dir, 'cross-process.sqlite');
    const topic = uniqueName('cross');
    const bus = new EmbeddedBus(file);
    buses.push(bus);
    const received: IncomingMessage[] = [];
    await bus.consume({ groupId: 'g', topics: [topic], handler: async (m) => void received.push(m) });

    const { exited } = startChild(['publish', file, topic, '10', '30']);
    expect(await exited).toBe(0);
    await eventually(() => received.length >= 300, 'every message of the other process');
    const sequences = new Map<string, number[]>();
    for (const m of received) {
      const { key, seq } = JSON.parse(m.value) as { key: string; seq: number };
      sequences.set(key, [...(sequences.get(key) ?? []), seq]);
    }
    expect(sequences.size).toBe(10);
    for (const seqs of sequences.values()) expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("takes over a killed member's partitions once its leases expire, losing nothing it did not commit", async () => {
    const file = join(dir, 'crash.sqlite');
    const topic = uniqueName('crash');
    const leaseTtlMs = 1000;
    const bus = new EmbeddedBus(file, { leaseTtlMs, heartbeatMs: 250 });
    buses.push(bus);
    const sent = Array.from({ length: 60 }, (_, i) => `m${i}`);
    await bus.publish(sent.map((value, i) => ({ topic, key: `k${i}`, value })));

    const crashed = startChild(['consume', file, topic, 'g', String(leaseTtlMs), '20']);
    const handledThere = () => crashed.lines.filter((line) => line.startsWith('handled ')).map((line) => line.slice(8));
    await eventually(() => handledThere().length >= 10, 'the other process to handle some messages');
    crashed.child.kill('SIGKILL');
    await crashed.exited;

    // Its partitions come free only when its leases run out: without expiry this would wait forever.
    const handledHere: string[] = [];
    await bus.consume({ groupId: 'g', topics: [topic], handler: async (m) => void handledHere.push(m.value) });
    const done = new Set(handledThere());
    await eventually(() => sent.every((value) => done.has(value) || handledHere.includes(value)), 'every message handled somewhere');
    // What it committed is not handled again.
    expect(handledHere.length).toBeLessThan(sent.length);
    expect(new Set(handledHere).size).toBe(handledHere.length);
  });
});

describe('EmbeddedBus', () => {
  it('keeps a topic at the partition count it was created with', async () => {
    const file = join(dir, 'partitions.sqlite');
    const first = new EmbeddedBus(file, { defaultPartitions: 2 });
    const second = new EmbeddedBus(file, { defaultPartitions: 8 });
    const topic = uniqueName('fixed');
    await first.ensureTopics([{ name: topic }]);
    await second.ensureTopics([{ name: topic, partitions: 16 }]);
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    await second.publish(keys.map((key) => ({ topic, key, value: key })));
    const partitions = new Set<number>();
    const consumption = await second.consume({ groupId: 'g', topics: [topic], handler: async (m) => void partitions.add(m.partition) });
    await eventually(() => partitions.size === 2, 'both partitions');
    await consumption.stop();
    expect([...partitions].sort()).toEqual([0, 1]);
    await first.close();
    await second.close();
  });

  it('removes messages older than the retention when it opens, never reusing their offsets', async () => {
    const file = join(dir, 'retention.sqlite');
    const topic = uniqueName('retained');
    const writer = new EmbeddedBus(file, { defaultPartitions: 1 });
    await writer.publish([{ topic, key: 'k', value: 'old' }]);
    await writer.close();
    // Time is the subject: the old message must be older than the 10 ms retention when the next bus opens.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pruning = new EmbeddedBus(file, { retentionMs: 10 });
    await pruning.publish([{ topic, key: 'k', value: 'new' }]);
    const received: IncomingMessage[] = [];
    const consumption = await pruning.consume({ groupId: 'g', topics: [topic], handler: async (m) => void received.push(m) });
    await eventually(() => received.length === 1, 'the retained message');
    await consumption.stop();
    await pruning.close();
    expect(received.map((m) => [m.value, m.offset])).toEqual([['new', '1']]);
  });
});
