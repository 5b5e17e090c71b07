import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EventCatalogue, Topics } from '@batchyard/contracts';
import { asyncApiDocument } from './asyncapi';
import { COMMITTED_ASYNCAPI, renderAsyncApi } from './write-asyncapi';

describe('AsyncAPI event catalogue', () => {
  it('is committed as generated from the contracts (run `npm run asyncapi` after changing an event)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../..', COMMITTED_ASYNCAPI), 'utf8');
    expect(committed).toBe(renderAsyncApi());
  });

  it('describes every event type and version on its category topic, with a JSON Schema payload', () => {
    const doc = asyncApiDocument() as any;
    expect(doc.asyncapi).toBe('3.0.0');
    for (const event of EventCatalogue) {
      const name = `${event.type}.v${event.version}`;
      const message = doc.components.messages[name];
      expect(message.payload.properties.type).toEqual({ const: event.type });
      expect(message.payload.properties.version).toEqual({ const: event.version });
      expect(message.payload.properties.data.type).toBe('object');
      expect(message.headers.required).toEqual(expect.arrayContaining(['message-id', 'type', 'version', 'tenant', 'correlation-id', 'causation-id']));
      expect(doc.channels[event.category].address).toBe(Topics.events(event.category));
      expect(doc.channels[event.category].messages[name]).toEqual({ $ref: `#/components/messages/${name}` });
    }
  });

  it('prefixes topics with the installation namespace', () => {
    const doc = asyncApiDocument('acme') as any;
    expect(doc.channels.batch.address).toBe('acme.batchyard.events.batch');
  });
});
