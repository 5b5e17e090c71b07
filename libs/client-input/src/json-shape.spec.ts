import { keyProblem } from './client-keys';
import { jsonShapeProblem } from './json-shape';

const limits = { maxDepth: 4, maxKeys: 5 };
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: [nested(depth - 1)] });

describe('JSON shape', () => {
  it('takes values within the limits, as they are', () => {
    expect(jsonShapeProblem({ a: [1, { b: 'x' }], c: null }, limits)).toBeUndefined();
    expect(jsonShapeProblem('text', limits)).toBeUndefined();
    expect(jsonShapeProblem([[[[]]]], limits)).toBeUndefined();
  });

  it('refuses nesting deeper than the limit, naming where', () => {
    expect(jsonShapeProblem([[[[[]]]]], limits)).toEqual({ code: 'too_deep', path: [0, 0, 0, 0], message: expect.stringContaining('at most 4') });
    expect(jsonShapeProblem(nested(2), limits)).toBeUndefined();
    expect(jsonShapeProblem(nested(3), limits)).toEqual({ code: 'too_deep', path: ['a', 0, 'a', 0], message: expect.any(String) });
  });

  it('counts the keys of all objects together', () => {
    expect(
      jsonShapeProblem(
        [
          { a: 1, b: 2 },
          { c: 3, d: 4, e: 5 },
        ],
        limits,
      ),
    ).toBeUndefined();
    expect(
      jsonShapeProblem(
        [
          { a: 1, b: 2 },
          { c: 3, d: 4, e: 5, f: 6 },
        ],
        limits,
      ),
    ).toEqual({ code: 'too_many_keys', path: [], message: expect.stringContaining('at most 5 keys') });
  });

  it('refuses keys that reach a prototype or that no store takes, naming the key', () => {
    const parsed = JSON.parse('{"ok":{"__proto__":{"polluted":1}}}');
    expect(jsonShapeProblem(parsed, limits)).toEqual({ code: 'invalid_key', path: ['ok', '__proto__'], message: "'__proto__' cannot be a field name" });
    expect(jsonShapeProblem({ list: [{ constructor: 1 }] }, limits)?.path).toEqual(['list', 0, 'constructor']);
    expect(jsonShapeProblem({ $where: 1 }, limits)?.code).toBe('invalid_key');
    expect(jsonShapeProblem({ 'a\u0000b': 1 }, limits)?.code).toBe('invalid_key');
    expect(jsonShapeProblem({ ['k'.repeat(257)]: 1 }, limits)?.message).toBe('a field name takes at most 256 characters');
    expect(jsonShapeProblem({ ['k'.repeat(256)]: 1 }, limits)).toBeUndefined();
  });

  it('lets dots, spaces and other characters be keys', () => {
    for (const key of ['a.b', 'with space', 'é', 'a$', '', 'Prototype', '__proto']) expect(keyProblem(key)).toBeUndefined();
  });
});
