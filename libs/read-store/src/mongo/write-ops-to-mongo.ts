import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Doc, WriteOp } from '../port';
import { checkId, checkPatch, checkPosition, isEmptyPatch, storedDoc, type CheckedPatch } from '../shared/documents';

/** One op as MongoDB runs it, and whether an E11000 on `_id` means "a newer version is stored". */
export interface MongoWrite {
  id: string;
  model: AnyBulkWriteOperation<Doc>;
  guardedUpsert: boolean;
}

/** Matches the document only while its `_position` is lower than the op's (or it has none). */
export function positionGuard(id: string, position: number | undefined): Document {
  return position === undefined ? { _id: id } : { _id: id, $or: [{ _position: { $lt: position } }, { _position: null }] };
}

export function updateDoc(patch: CheckedPatch, position?: number): Document {
  const set = Object.fromEntries(patch.set);
  if (position !== undefined) set._position = position;
  const update: Document = {};
  if (Object.keys(set).length) update.$set = set;
  if (patch.unset.length) update.$unset = Object.fromEntries(patch.unset.map((path) => [path, '']));
  if (patch.inc.length) update.$inc = Object.fromEntries(patch.inc);
  return update;
}

/** The MongoDB form of a write op; undefined for a patch that changes nothing. */
export function toMongoWrite(op: WriteOp): MongoWrite | undefined {
  const id = checkId(op.id);
  const position = checkPosition(op.position);
  const filter = positionGuard(id, position);
  switch (op.kind) {
    case 'put':
      return { id, model: { replaceOne: { filter, replacement: storedDoc(id, op.doc, position), upsert: true } }, guardedUpsert: position !== undefined };
    case 'delete':
      return { id, model: { deleteOne: { filter } }, guardedUpsert: false };
    case 'patch': {
      const patch = checkPatch(op);
      if (isEmptyPatch(patch) && position === undefined) return undefined;
      const upsert = op.upsert ?? false;
      return { id, model: { updateOne: { filter, update: updateDoc(patch, position), upsert } }, guardedUpsert: upsert && position !== undefined };
    }
  }
}

/**
 * Splits writes into runs in which no `_id` repeats. Each run can go unordered (one round trip, and
 * an "already applied" E11000 does not stop the rest) while writes to one document keep their order.
 */
export function waves(writes: readonly MongoWrite[]): MongoWrite[][] {
  const out: MongoWrite[][] = [];
  let current: MongoWrite[] = [];
  let ids = new Set<string>();
  for (const write of writes) {
    if (ids.has(write.id)) {
      out.push(current);
      current = [];
      ids = new Set();
    }
    current.push(write);
    ids.add(write.id);
  }
  if (current.length) out.push(current);
  return out;
}
