import { MessageTooLargeError, type OutgoingMessage } from '../port';
import { DEFAULT_MAX_MESSAGE_BYTES, RECORD_BATCH_OVERHEAD, assertMessagesFit, maxMessageBytesFromEnv, messageBytes, recordBytes, requestsOf } from './message-size';

// kafkajs's own encoders: what it writes for a produce request's record batch (internal modules, reached by require only).
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (batch: { records: unknown[] }) => Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

const wireBytes = async (messages: readonly OutgoingMessage[]) =>
  (
    await RecordBatch({
      records: messages.map((m, i) => Record({ offsetDelta: i, timestampDelta: i, key: Buffer.from(m.key), value: Buffer.from(m.value), headers: m.headers })),
    })
  ).buffer.length;

const message = (key: string, value: string, headers: Record<string, string> = {}): OutgoingMessage => ({ topic: 't', key, value, headers });

describe('message sizes', () => {
  it('are never below what kafkajs writes for the record batch, and at most the widest deltas above', async () => {
    const samples = [
      message('', ''),
      message('k', 'v'),
      message('task-acme.0123456789', 'x'.repeat(200), { 'message-id': 'id', type: 'ItemsGenerated', 'correlation-id': 'c' }),
      message('ключ', 'żółw ✓ 𝄞'.repeat(5_000), { заголовок: 'значение' }),
      message('big', 'y'.repeat(DEFAULT_MAX_MESSAGE_BYTES - 100)),
    ];
    for (const sample of samples) {
      const wire = await wireBytes([sample]);
      expect(messageBytes(sample)).toBeGreaterThanOrEqual(wire);
      expect(messageBytes(sample)).toBeLessThanOrEqual(wire + 13);
    }
    const many = samples.slice(0, 4);
    expect(RECORD_BATCH_OVERHEAD + many.reduce((sum, m) => sum + recordBytes(m), 0)).toBeGreaterThanOrEqual(await wireBytes(many));
  });

  it('refuse a publish holding one message that can never fit, naming it', () => {
    const fits = message('a', 'x'.repeat(500));
    const tooLarge = message('b', 'ü'.repeat(600), { 'message-id': 'm-1' });
    expect(() => assertMessagesFit([fits], 1_000)).not.toThrow();
    expect(() => assertMessagesFit([fits, tooLarge], 1_000)).toThrow(MessageTooLargeError);
    expect(() => assertMessagesFit([fits, tooLarge], 1_000)).toThrow(/m-1 on t takes \d+ bytes; the bus takes at most 1000/);
  });

  it('cut a publish into requests within the limit, in order, counting a batch header per key', () => {
    const messages = Array.from({ length: 40 }, (_, i) => message(`k${i % 3}`, `${i}`.padEnd(90 + i * 7, '.')));
    const limit = 1_200;
    const requests = requestsOf(messages, limit);
    expect(requests.flat()).toEqual(messages);
    for (const request of requests) {
      const keys = new Set(request.map((m) => m.key));
      expect(keys.size * RECORD_BATCH_OVERHEAD + request.reduce((sum, m) => sum + recordBytes(m), 0)).toBeLessThanOrEqual(limit);
    }
    // Each request is as full as the next message allows.
    for (let i = 0; i + 1 < requests.length; i++) {
      const keys = new Set([...requests[i], requests[i + 1][0]].map((m) => m.key));
      const withNext = [...requests[i], requests[i + 1][0]].reduce((sum, m) => sum + recordBytes(m), 0) + keys.size * RECORD_BATCH_OVERHEAD;
      expect(withNext).toBeGreaterThan(limit);
    }
    expect(requestsOf([], limit)).toEqual([]);
  });

  it("come from BATCHYARD_BUS_MAX_MESSAGE_BYTES, by default Kafka's message.max.bytes", () => {
    expect(maxMessageBytesFromEnv({})).toBe(1_048_588);
    expect(maxMessageBytesFromEnv({ BATCHYARD_BUS_MAX_MESSAGE_BYTES: '2097164' })).toBe(2_097_164);
    for (const wrong of ['1e6x', '-1', '12', '1.5']) expect(() => maxMessageBytesFromEnv({ BATCHYARD_BUS_MAX_MESSAGE_BYTES: wrong })).toThrow(RangeError);
  });
});
