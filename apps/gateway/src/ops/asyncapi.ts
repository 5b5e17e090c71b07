import { z } from 'zod';
import { EventCatalogue, MessageHeaders, Topics, type EventDefinition } from '@batchyard/contracts';

type Json = Record<string, unknown>;

/** The document's own version; event versions live in each message. Bump when the document's shape changes. */
export const ASYNCAPI_DOCUMENT_VERSION = '1.0.0';

const messageName = (event: EventDefinition) => `${event.type}.v${event.version}`;

const HEADERS: Json = {
  type: 'object',
  required: Object.values(MessageHeaders),
  properties: {
    [MessageHeaders.messageId]: { type: 'string', description: 'The event id: deduplicate on it (delivery is at least once).' },
    [MessageHeaders.type]: { type: 'string', description: 'Event type.' },
    [MessageHeaders.version]: { type: 'string', description: 'Schema version of the event type, as a decimal string: upcast on (type, version).' },
    [MessageHeaders.tenant]: { type: 'string', description: 'The tenant the event belongs to.' },
    [MessageHeaders.correlationId]: { type: 'string', description: 'The request or job the event ultimately comes from.' },
    [MessageHeaders.causationId]: { type: 'string', description: 'The command (or event) that caused it.' },
  },
};

/** The message value: the recorded event as JSON, envelope and `data`. */
function payload(event: EventDefinition): Json {
  const { $schema: _, ...data } = z.toJSONSchema(event.schema, { unrepresentable: 'any' }) as Json;
  return {
    type: 'object',
    required: ['eventId', 'type', 'version', 'tenant', 'stream', 'correlationId', 'causationId', 'occurredAt', 'revision', 'position', 'data'],
    properties: {
      eventId: { type: 'string', description: 'Unique event id, equal to the message-id header.' },
      type: { const: event.type },
      version: { const: event.version },
      tenant: { type: 'string' },
      stream: { type: 'string', description: 'The aggregate stream `<category>-<tenant>.<id>`; also the message key.' },
      correlationId: { type: 'string' },
      causationId: { type: 'string' },
      occurredAt: { type: 'string', format: 'date-time' },
      revision: { type: 'integer', minimum: 0, description: '0-based position of the event in its stream: gap-free per key.' },
      position: { type: 'integer', minimum: 1, description: 'Global position in the event store.' },
      // An object whatever the event; a union (a task's spec, by task type) is one of several object shapes.
      data: { type: 'object', ...data },
    },
  };
}

/**
 * The AsyncAPI 3 document of the domain events Batchyard publishes, generated from the event
 * contracts: one channel per stream category (`batchyard.events.<category>`, keyed by stream, so a
 * stream's events arrive in order), one message per event type and version. `namespace` is the
 * installation's topic prefix (BATCHYARD_NAMESPACE).
 */
export function asyncApiDocument(namespace?: string): Json {
  const prefix = namespace ? `${namespace}.` : '';
  const categories = [...new Set(EventCatalogue.map((e) => e.category))].sort();
  const messages: Json = {};
  for (const event of EventCatalogue) {
    messages[messageName(event)] = {
      name: event.type,
      title: `${event.type} v${event.version}`,
      summary: event.description,
      contentType: 'application/json',
      headers: HEADERS,
      payload: payload(event),
      bindings: { kafka: { key: { type: 'string', description: 'The stream name, so one aggregate’s events stay in order.' } } },
    };
  }
  const channels: Json = {};
  const operations: Json = {};
  for (const category of categories) {
    const refs = Object.fromEntries(EventCatalogue.filter((e) => e.category === category).map((e) => [messageName(e), { $ref: `#/components/messages/${messageName(e)}` }]));
    channels[category] = {
      address: prefix + Topics.events(category),
      title: `${category} events`,
      description: `Events of ${category} streams. Failed deliveries of a consumer group can be dead-lettered to \`${prefix}${Topics.deadLetters(Topics.events(category))}\`.`,
      messages: refs,
    };
    operations[`receive-${category}-events`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${category}` },
      messages: Object.keys(refs).map((name) => ({ $ref: `#/channels/${category}/messages/${name}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Batchyard domain events',
      version: ASYNCAPI_DOCUMENT_VERSION,
      description:
        'Every event appended to the Batchyard event store, published at least once by the relay. Deduplicate on `message-id`; ' +
        'events of one stream arrive in order (the key is the stream); upcast on (`type`, `version`). See docs/events.md.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
