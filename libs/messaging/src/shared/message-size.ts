import { MessageHeaders } from '@batchyard/contracts';
import { MessageTooLargeError, type OutgoingMessage } from '../port';

/**
 * Kafka's default `message.max.bytes`: the largest record batch a broker takes (1 MiB and the batch's 12-byte log
 * overhead). Both buses take messages up to this size unless `BATCHYARD_BUS_MAX_MESSAGE_BYTES` says otherwise.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * A v2 record batch's header: base offset (8), length (4), leader epoch (4), magic (1), CRC (4), attributes (2),
 * last offset delta (4), first and max timestamps (8 + 8), producer id and epoch (8 + 2), base sequence (4), count (4).
 */
export const RECORD_BATCH_OVERHEAD = 61;

/** Kafka's varints are zigzag-encoded: a length n takes the bytes of 2n in groups of 7 bits. */
function varintBytes(n: number): number {
  let bytes = 1;
  for (let rest = 2 * n; rest >= 128; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}

const sized = (text: string) => {
  const bytes = Buffer.byteLength(text);
  return varintBytes(bytes) + bytes;
};

/**
 * The bytes a message takes as one record of a record batch, uncompressed (how kafkajs writes it): key, value and
 * headers in UTF-8 with their length prefixes exactly, the timestamp and offset deltas at their widest (10 and 5
 * bytes; kafkajs's are 1 or 2), so the figure is never below what goes on the wire.
 */
export function recordBytes({ key, value, headers = {} }: OutgoingMessage): number {
  const entries = Object.entries(headers);
  let body = 1 + 10 + 5 + sized(key) + sized(value) + varintBytes(entries.length);
  for (const [name, text] of entries) body += sized(name) + sized(text);
  return varintBytes(body) + body;
}

/** The bytes of a record batch holding this message alone: what a broker compares with its `message.max.bytes`. */
export const messageBytes = (message: OutgoingMessage): number => RECORD_BATCH_OVERHEAD + recordBytes(message);

/** Refuses the whole publish, before anything is sent, if one of its messages can never fit. */
export function assertMessagesFit(messages: readonly OutgoingMessage[], limit: number): void {
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (bytes > limit) throw new MessageTooLargeError(message.topic, message.key, bytes, limit, message.headers?.[MessageHeaders.messageId]);
  }
}

/**
 * The messages cut, in their order, into consecutive requests of at most `limit` bytes each. A request counts a
 * batch header for every topic and key in it: a key's messages go to one partition, so a partition's batch in the
 * request is at most the sum over its keys, and never above the limit. Sent one after another, the requests keep
 * every key's order. Every message must fit on its own (`assertMessagesFit`).
 */
export function requestsOf<M extends OutgoingMessage>(messages: readonly M[], limit: number): M[][] {
  const requests: M[][] = [];
  let request: M[] = [];
  let bytes = 0;
  let keys = new Set<string>();
  for (const message of messages) {
    const batch = `${message.topic}\u0000${message.key}`;
    let cost = recordBytes(message) + (keys.has(batch) ? 0 : RECORD_BATCH_OVERHEAD);
    if (request.length && bytes + cost > limit) {
      requests.push(request);
      request = [];
      bytes = 0;
      keys = new Set();
      cost = messageBytes(message);
    }
    request.push(message);
    bytes += cost;
    keys.add(batch);
  }
  if (request.length) requests.push(request);
  return requests;
}

/** `BATCHYARD_BUS_MAX_MESSAGE_BYTES`: set it to the brokers' `message.max.bytes` (and no topic's `max.message.bytes` below it). */
export function maxMessageBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BATCHYARD_BUS_MAX_MESSAGE_BYTES;
  if (!text) return DEFAULT_MAX_MESSAGE_BYTES;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= RECORD_BATCH_OVERHEAD) {
    throw new RangeError(`BATCHYARD_BUS_MAX_MESSAGE_BYTES must be a whole number of bytes above ${RECORD_BATCH_OVERHEAD}, not "${text}"`);
  }
  return value;
}
