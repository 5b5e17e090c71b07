import { z } from 'zod';

/** One documented operation; request schemas are the zod schemas the controllers parse with, so the document cannot drift. */
export interface OperationDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  pathParams?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is a file's bytes rather than JSON: its media types. */
  upload?: string[];
  /** Reached without a key (a signed URL, whose query is the credential). */
  public?: boolean;
  /** Status → description and, when the body is JSON, its schema (or, for a file, its media types). */
  responses: Record<number, { description: string; schema?: object; files?: string[]; headers?: Record<string, string> }>;
}

export interface DialectDoc {
  title: string;
  description: string;
  /** Path prefixes the dialect is served at (OpenAPI servers, relative to the host). */
  servers: string[];
  security: { name: string; scheme: object };
  errorSchema: object;
  /** The media type of error bodies (default `application/json`). */
  errorMediaType?: string;
  operations: OperationDoc[];
}

/** The query of a signed URL (libs/http): it is the credential of a route reached without a key. */
export const SignedUrlQuery = z.object({
  expires: z.string().describe('epoch seconds, as signed'),
  signature: z.string().describe('HMAC of the path and query, as issued'),
});

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const bytesOf = (mediaTypes: string[]) => Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));

/** An OpenAPI 3.1 document for one dialect. */
export function openApiDocument(doc: DialectDoc): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of doc.operations) {
    const parameters = [
      ...Object.entries(op.pathParams ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(schema as z.ZodType),
        ...(jsonSchema(schema as z.ZodType).type === 'array' && { style: 'form', explode: true }),
      })),
    ];
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.schema && { content: { 'application/json': { schema: r.schema } } }),
          ...(r.files && { content: bytesOf(r.files) }),
          ...(r.headers && { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }),
        },
      ]),
    );
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(parameters.length && { parameters }),
      ...(op.public && { security: [] }),
      ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }),
      ...(op.upload && { requestBody: { required: true, content: bytesOf(op.upload) } }),
      responses: { ...responses, '4XX': { description: 'Client error', content: { [doc.errorMediaType ?? 'application/json']: { schema: doc.errorSchema } } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: doc.title, version: '1.0.0', description: doc.description },
    servers: doc.servers.map((url) => ({ url })),
    security: [{ [doc.security.name]: [] }],
    components: { securitySchemes: { [doc.security.name]: doc.security.scheme } },
    paths,
  };
}
