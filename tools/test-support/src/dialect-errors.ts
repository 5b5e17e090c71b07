/** The three public APIs; each answers errors in a shape of its own (apps/gateway/src/http/error-bodies.ts). */
export type Dialect = 'evrythng' | 'packagex' | 'tofupilot';

/** Matches the whole error body `dialect` answers with `status`, nothing more and nothing less. */
export function dialectError(dialect: Dialect, status: number): Record<string, unknown> {
  switch (dialect) {
    case 'evrythng':
      return { status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) };
    case 'packagex':
      return { message: expect.any(String), data: null, status, errors: expect.any(Array), code: expect.any(String), pagination: null, endpoint: expect.any(String) };
    case 'tofupilot':
      return { message: expect.any(String), code: expect.any(String), issues: expect.any(Array) };
  }
}

/** Own properties of the built-in prototypes (and of `Object` itself), to tell later that nothing was added to them. */
export function prototypeSnapshot(): string[] {
  const owned = (o: object) => Reflect.ownKeys(o).map(String).sort();
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Object].flatMap((o, i) => owned(o).map((k) => `${i}:${k}`));
}
