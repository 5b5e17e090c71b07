import type { Collection, Scalar } from './port';

/** Documents deleted per write: short writes, so the one SQLite writer of a collection is never held for long. */
const PAGE = 500;

/**
 * Deletes the documents whose `field` is below `bound` (an expiry or a record time, under an index on that field),
 * oldest first, a page at a time; answers how many it deleted. Safe beside other processes doing the same: a
 * document deleted twice is deleted once.
 */
export async function deleteBelow(collection: Collection, field: string, bound: Scalar): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await collection.find({ [field]: { $lt: bound } }, { sort: [[field, 1]], limit: PAGE });
    if (page.length > 0) deleted += (await collection.bulkWrite(page.map((doc) => ({ kind: 'delete' as const, id: doc._id })))).applied;
    if (page.length < PAGE) return deleted;
  }
}
