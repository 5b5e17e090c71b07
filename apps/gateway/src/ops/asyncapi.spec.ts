import { readFileSync } from 'node:fs';
import path from 'node:path';
import specs from '@asyncapi/specs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { EventCatalogue, Topics } from '@batchyard/contracts';
import { asyncApiDocument } from './asyncapi';
import { COMMITTED_ASYNCAPI, renderAsyncApi } from './write-asyncapi';

/**
 * The official AsyncAPI 3.0.0 JSON Schema. It bundles the draft-07 meta-schema it validates payload
 * schemas with, so ajv must not add its own copy (`meta: false`).
 */
function asyncApiSchemaErrors(doc: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, meta: false });
  addFormats(ajv);
  const validate = ajv.compile(specs.schemas['3.0.0']);
  return validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Local `$ref`s that point at nothing: the schema checks their form, not their target. */
function danglingRefs(doc: unknown): string[] {
  const resolves = (ref: string) =>
    ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((node, part) => node?.[part], doc) !== undefined;
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { $ref } = node as { $ref?: unknown };
    if (typeof $ref === 'string' && $ref.startsWith('#/')) refs.push($ref);
    Object.values(node).forEach(walk);
  };
  walk(doc);
  return refs.filter((ref) => !resolves(ref));
}

describe('AsyncAPI event catalogue', () => {
  it('is committed as generated from the contracts (run `npm run asyncapi` after changing an event)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../..', COMMITTED_ASYNCAPI), 'utf8');
    expect(committed).toBe(renderAsyncApi());
  });

  it('is a valid AsyncAPI 3.0.0 document whose references all resolve, with or without a namespace', () => {
    for (const doc of [asyncApiDocument(), asyncApiDocument('acme')]) {
      expect(asyncApiSchemaErrors(doc)).toEqual([]);
      expect(danglingRefs(doc)).toEqual([]);
    }
  });

  it('is told invalid by the same checks when it breaks the specification', () => {
    const doc = asyncApiDocument() as any;
    delete doc.info.title;
    doc.operations['receive-batch-events'].action = 'consume';
    doc.channels.batch.messages['BatchCreated.v1'] = { $ref: '#/components/messages/Missing.v1' };
    expect(asyncApiSchemaErrors(doc)).toEqual(
      expect.arrayContaining(["/info must have required property 'title'", '/operations/receive-batch-events/action must be equal to one of the allowed values']),
    );
    expect(danglingRefs(doc)).toEqual(['#/components/messages/Missing.v1']);
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
