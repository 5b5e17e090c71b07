import type { Doc, WriteOp } from '../port';
import { InvalidQueryError } from './errors';
import { fieldPath } from './names';

export type Patch = Pick<Extract<WriteOp, { kind: 'patch' }>, 'set' | 'unset' | 'inc'>;

/** A patch with checked paths; `undefined` values in `set` are dropped (JSON has none). */
export interface CheckedPatch {
  set: [path: string, value: unknown][];
  unset: string[];
  inc: [path: string, amount: number][];
}

export function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new InvalidQueryError('_id must be a string');
  return id;
}

export function checkPosition(position: number | undefined): number | undefined {
  if (position !== undefined && !Number.isFinite(position)) throw new InvalidQueryError('position must be a finite number');
  return position;
}

/** The document as stored: `_id` first and authoritative, `_position` when the write carries one. */
export function storedDoc(id: string, doc: Record<string, unknown>, position?: number): Doc {
  const { _id, ...fields } = doc;
  return position === undefined ? { _id: checkId(id), ...fields } : { _id: checkId(id), ...fields, _position: position };
}

/**
 * Checks a patch the way MongoDB would refuse it (so both adapters agree): `_id` is immutable and no
 * path may be touched twice or be a prefix of another touched path.
 */
export function checkPatch(patch: Patch): CheckedPatch {
  const set = Object.entries(patch.set ?? {}).filter(([, v]) => v !== undefined);
  const unset = [...(patch.unset ?? [])];
  const inc = Object.entries(patch.inc ?? {});
  for (const [path, amount] of inc) {
    if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new InvalidQueryError(`inc ${path} must be a finite number`);
  }
  const paths = [...set.map(([p]) => p), ...unset, ...inc.map(([p]) => p)].map(fieldPath);
  for (const path of paths) {
    if (path === '_id' || path.startsWith('_id.')) throw new InvalidQueryError('_id cannot be patched');
    const clash = paths.find((other) => other !== path && other.startsWith(`${path}.`));
    if (clash || paths.indexOf(path) !== paths.lastIndexOf(path)) {
      throw new InvalidQueryError(`patch touches ${path} twice (${clash ?? path})`);
    }
  }
  return { set, unset, inc };
}

export const isEmptyPatch = (p: CheckedPatch) => p.set.length + p.unset.length + p.inc.length === 0;

/** Documents in the order their ids were asked for, each once; missing ids are left out. */
export function inIdOrder<T extends Doc>(ids: readonly string[], docs: readonly T[]): T[] {
  const byId = new Map(docs.map((d) => [d._id, d]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}
