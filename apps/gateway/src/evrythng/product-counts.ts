import type { BatchProductCountDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';

/**
 * EVRYTHNG's `resourceCountsByProduct` of some batches of a tenant, by batch id (`{}` for a batch without one): the
 * batches projection keeps each count as a document of its own, the product a value and not a field name.
 */
export async function productCounts(readStore: ReadStore, tenant: string, batchIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const byBatch = new Map<string, [string, number][]>(batchIds.map((id) => [id, []]));
  if (batchIds.length) {
    const docs = await readStore
      .collection<BatchProductCountDoc>('batch_product_counts')
      .find({ tenant, batchId: batchIds.length === 1 ? batchIds[0] : { $in: batchIds } }, { sort: [['product', 1]] });
    for (const doc of docs) byBatch.get(doc.batchId)?.push([doc.product, doc.count]);
  }
  return new Map([...byBatch].map(([batchId, counts]) => [batchId, Object.fromEntries(counts)]));
}
