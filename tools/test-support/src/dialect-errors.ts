/** The three public APIs and Batchyard's own; each answers errors in a shape of its own (apps/gateway/src/http/error-bodies.ts). */
export type Dialect = 'evrythng' | 'packagex' | 'tofupilot' | 'batchyard';

/** Matches the whole error body `dialect` answers with `status`, nothing more and nothing less. */
export function dialectError(dialect: Dialect, status: number): Record<string, unknown> {
  switch (dialect) {
    case 'evrythng':
      return { status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) };
    case 'packagex':
      return { message: expect.any(String), data: null, status, errors: expect.any(Array), code: expect.any(String), pagination: null, endpoint: expect.any(String) };
    case 'tofupilot':
      return { message: expect.any(String), code: expect.any(String), issues: expect.any(Array) };
    case 'batchyard':
      return problemDetails(status);
  }
}

/**
 * Batchyard's own API: an RFC 9457 problem (`errors` names fields, empty but for input problems). `code` given: that
 * code; `fields` given: `errors` is exactly one problem per field named.
 */
export function problemDetails(status: number, code?: string, fields?: string[]): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\/batchyard\//),
    code: code ?? expect.any(String),
    errors: fields ? fields.map((field) => ({ field, pointer: expect.any(String), code: expect.any(String), detail: expect.any(String) })) : expect.any(Array),
  };
}

/** Own properties of the built-in prototypes (and of `Object` itself), to tell later that nothing was added to them. */
export function prototypeSnapshot(): string[] {
  const owned = (o: object) => Reflect.ownKeys(o).map(String).sort();
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Object].flatMap((o, i) => owned(o).map((k) => `${i}:${k}`));
}
