import { EventCatalogue, MAX_EVENT_DATA_BYTES, jsonBytes, type RecordedEvent } from '@batchyard/contracts';
import { MAX_APPEND_BYTES, appendBytes } from '@batchyard/event-store';
import { DEFAULT_MAX_MESSAGE_BYTES, messageBytes } from '@batchyard/messaging';
import { eventMessage } from './event-relay';

describe('the event budget', () => {
  it('lets the largest event, with the widest envelope, fit one append and one relayed message', () => {
    const type = EventCatalogue.map((d) => d.type).sort((a, b) => b.length - a.length)[0];
    const envelope = {
      eventId: '00000000-0000-4000-8000-000000000000',
      type,
      version: 99,
      tenant: 't'.repeat(40),
      stream: `reservation-${'t'.repeat(40)}.${'i'.repeat(200)}`,
      correlationId: 'c'.repeat(128),
      causationId: 'k'.repeat(300),
      occurredAt: new Date().toISOString(),
    };
    const data = { text: 'x'.repeat(MAX_EVENT_DATA_BYTES - jsonBytes({ text: '' })) };
    expect(jsonBytes(data)).toBe(MAX_EVENT_DATA_BYTES);
    const recorded: RecordedEvent = { ...envelope, data, revision: Number.MAX_SAFE_INTEGER, position: Number.MAX_SAFE_INTEGER };
    expect(appendBytes([recorded])).toBeLessThanOrEqual(MAX_APPEND_BYTES);
    expect(messageBytes(eventMessage(recorded))).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
  });
});
