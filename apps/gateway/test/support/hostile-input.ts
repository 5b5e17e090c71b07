import { dialectError, http, prototypeSnapshot, type Dialect, type HttpResult } from '@batchyard/test-support';

/**
 * What an attacker or a careless client sends, as table rows: each is answered with `status` in its dialect's error
 * shape, changes nothing, and leaves Object.prototype as it was (the suite checks every other tenant is still served).
 */
export interface HostileCase {
  name: string;
  dialect: Dialect;
  method: string;
  path: string;
  /** A JSON body, serialised as is. */
  body?: unknown;
  /** A body sent verbatim (JSON that JSON.stringify cannot write, such as a `__proto__` key), with `contentType`. */
  raw?: string;
  contentType?: string;
  /** Headers over the dialect's authentication; `auth: false` sends none of it (signed URLs, public routes). */
  headers?: Record<string, string>;
  auth?: boolean;
  status: number;
}

export const AUTH: Record<Dialect, (key: string) => Record<string, string>> = {
  evrythng: (key) => ({ authorization: key }),
  packagex: (key) => ({ 'px-api-key': key }),
  tofupilot: (key) => ({ authorization: `Bearer ${key}` }),
  batchyard: (key) => ({ authorization: `Bearer ${key}` }),
};

/** Sends a case as the tenant of `key`. */
export function send(url: string, key: string, c: HostileCase): Promise<HttpResult> {
  const headers = { ...(c.auth === false ? {} : AUTH[c.dialect](key)), ...c.headers };
  if (c.raw !== undefined) headers['content-type'] ??= c.contentType ?? 'application/json';
  return http(c.path.startsWith('http') ? c.path : `${url}${c.path}`, { method: c.method, headers, body: c.body, raw: c.raw });
}

/** Sends a case and checks it is refused as the table says, with no event appended and no prototype touched. */
export async function expectRefused(url: string, key: string, c: HostileCase, head: () => Promise<number>): Promise<void> {
  const prototypes = prototypeSnapshot();
  const before = await head();
  const res = await send(url, key, c);
  expect({ status: res.status, body: res.body ?? res.text }).toEqual({ status: c.status, body: dialectError(c.dialect, c.status) });
  expect(prototypeSnapshot()).toEqual(prototypes);
  expect(await head()).toBe(before);
}

// Payloads. Raw JSON text where a key must arrive as written (`__proto__` in an object literal sets the prototype).

/** `base` as JSON text with `member` (raw JSON text of one member, `"key":value`) added first. */
export const withMember = (base: Record<string, unknown>, member: string) => `{${member}${Object.keys(base).length ? ',' : ''}${JSON.stringify(base).slice(1)}`;

/** JSON text of `depth` objects nested in one another. */
export const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const TWENTY = 'abcdefghijklmnopqrst'.split('');
const FULL_ROW = `{${TWENTY.map((k) => `"${k}":0`).join(',')}}`;

/** JSON text of an array of objects holding `count` keys together, 20 to an object: about 6 bytes a key. */
export function manyKeysJson(count: number): string {
  const rest = count % 20;
  const rows = new Array<string>(Math.floor(count / 20)).fill(FULL_ROW);
  if (rest)
    rows.push(
      `{${TWENTY.slice(0, rest)
        .map((k) => `"${k}":0`)
        .join(',')}}`,
    );
  return `[${rows.join(',')}]`;
}

/** A string of `bytes` characters. */
export const huge = (bytes: number) => 'x'.repeat(bytes);

export const MiB = 1024 * 1024;

/**
 * The attacks every JSON body takes: prototype keys at the top and in `freeMap` (a field whose keys are the
 * client's, if the body has one), nesting, key counts, long keys, oversized bodies, bodies that are not objects.
 */
export function jsonBodyAttacks(route: {
  dialect: Dialect;
  method: string;
  path: string;
  base: Record<string, unknown>;
  freeMap?: string;
  /** The route class's limits (apps/gateway/src/http/json-bodies.ts); the general class by default. */
  bytes?: number;
  maxKeys?: number;
}): HostileCase[] {
  const { base, freeMap, bytes = MiB, maxKeys = 100_000 } = route;
  const inMap = (member: string) => (freeMap ? withMember({ ...base, [freeMap]: undefined }, `"${freeMap}":{${member}}`) : withMember(base, member));
  const row = (name: string, rest: Partial<HostileCase> & { status: number }): HostileCase => ({
    name: `${route.method} ${route.path}: ${name}`,
    dialect: route.dialect,
    method: route.method,
    path: route.path,
    ...rest,
  });
  return [
    row('__proto__ key at the top', { raw: withMember(base, '"__proto__":{"polluted":true}'), status: 400 }),
    row('constructor.prototype at the top', { raw: withMember(base, '"constructor":{"prototype":{"polluted":true}}'), status: 400 }),
    row('prototype key at the top', { raw: withMember(base, '"prototype":{"polluted":true}'), status: 400 }),
    row(`__proto__ key in ${freeMap ?? 'the body'}`, { raw: inMap('"__proto__":{"polluted":true}'), status: 400 }),
    row(`$-operator key in ${freeMap ?? 'the body'}`, { raw: inMap('"$where":"1"'), status: 400 }),
    row(`NUL in a key of ${freeMap ?? 'the body'}`, { raw: inMap('"a\\u0000b":"1"'), status: 400 }),
    row(`a 300-character key in ${freeMap ?? 'the body'}`, { raw: inMap(`"${'k'.repeat(300)}":"1"`), status: 400 }),
    row('nested 40 deep', { raw: inMap(`"deep":${deepJson(40)}`), status: 400 }),
    row(`${maxKeys + 1} keys`, { raw: inMap(`"many":${manyKeysJson(maxKeys + 1)}`), status: 400 }),
    row(`a body over ${bytes / MiB} MiB`, { raw: inMap(`"blob":"${huge(bytes + 1)}"`), status: 413 }),
    row('malformed JSON', { raw: '{"name":', status: 400 }),
    row('a JSON string, not an object', { raw: '"text"', status: 400 }),
    row('a JSON array, not an object', { body: [base], status: 400 }),
    row('a body in Latin-1', { raw: JSON.stringify(base), contentType: 'application/json; charset=latin1', status: 415 }),
  ];
}
