import { isPrototypeKey } from '@batchyard/client-input';
import { KeptCollections, type KeptCollection } from '../port';
import { InvalidNameError } from './errors';

/*
 * Names and paths end up inside SQL text (identifiers, JSON paths in index expressions, which must be
 * literals for SQLite to match them), so they are checked against narrow patterns instead of escaped.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Where each adapter keeps logical → physical names; no collection may take this name. */
export const TARGETS_COLLECTION = '_targets';

export function collectionName(name: string): string {
  if (!NAME.test(name) || name === TARGETS_COLLECTION || /^sqlite_/i.test(name)) {
    throw new InvalidNameError('collection name', name);
  }
  return name;
}

/** A kept-state collection's name, checked at run time too: a cast cannot make a client value one. */
export function keptName(name: KeptCollection): KeptCollection {
  if (!KeptCollections.includes(name)) throw new InvalidNameError('kept-state collection', name);
  return name;
}

export function indexName(name: string): string {
  if (!NAME.test(name)) throw new InvalidNameError('index name', name);
  return name;
}

/**
 * A dotted field path: segments of letters, digits, `_` and `-`, none starting with a digit, and none that reaches a
 * prototype (a patch walks documents in memory by these segments).
 */
export function fieldPath(path: string): string {
  if (typeof path !== 'string' || path.length > 200 || !path.split('.').every((s) => SEGMENT.test(s) && !isPrototypeKey(s))) {
    throw new InvalidNameError('field path', String(path));
  }
  return path;
}
