import { keyProblem } from './client-keys';

/** How deep any JSON from a client may nest (issue 15): far beyond every document of the three APIs. */
export const MAX_JSON_DEPTH = 32;

/** How large a parsed JSON value from a client may be, beyond its bytes. */
export interface JsonShapeLimits {
  /** Objects and arrays nested in one another, the outermost counting 1. */
  maxDepth: number;
  /** Keys of all its objects together. */
  maxKeys: number;
}

export interface JsonShapeProblem {
  code: 'too_deep' | 'too_many_keys' | 'invalid_key';
  /** Where: the keys and indexes down to the offending key or container. */
  path: (string | number)[];
  message: string;
}

/**
 * The first reason a parsed JSON value is refused: nested deeper than `maxDepth`, more than `maxKeys` keys, or a key
 * `keyProblem` refuses. One walk, no copy: it runs on every JSON body (a 12 MiB bulk body takes about a sixth of
 * its `JSON.parse`, docs/operations.md), so the path is built only for the problem found.
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits): JsonShapeProblem | undefined {
  const walk = new ShapeWalk(limits);
  return walk.visit(value, 1) ? undefined : walk.problem;
}

class ShapeWalk {
  private keys = 0;
  problem?: JsonShapeProblem;

  constructor(private readonly limits: JsonShapeLimits) {}

  /** False once a problem is found; the problem's path is filled in as the recursion unwinds. */
  visit(value: unknown, depth: number): boolean {
    if (typeof value !== 'object' || value === null) return true;
    if (depth > this.limits.maxDepth) {
      this.problem = { code: 'too_deep', path: [], message: `JSON nests at most ${this.limits.maxDepth} objects and arrays deep` };
      return false;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!this.visit(value[i], depth + 1)) return this.at(i);
      }
      return true;
    }
    for (const key in value) {
      if (++this.keys > this.limits.maxKeys) {
        this.problem = { code: 'too_many_keys', path: [], message: `JSON takes at most ${this.limits.maxKeys} keys` };
        return false;
      }
      const problem = keyProblem(key);
      if (problem !== undefined) {
        this.problem = { code: 'invalid_key', path: [key], message: problem };
        return false;
      }
      if (!this.visit((value as Record<string, unknown>)[key], depth + 1)) return this.at(key);
    }
    return true;
  }

  private at(step: string | number): false {
    // A count of keys is the whole value's problem, not one place's.
    if (this.problem!.code !== 'too_many_keys') this.problem!.path.unshift(step);
    return false;
  }
}
