import { batchDocId, type BatchDoc, type ItemDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { ApiError } from '../http/api-error';
import { batchNumber } from './tofupilot-views';

/** TofuPilot addresses batches by number and units by serial number, both ignoring case. */
export class TofuLookups {
  constructor(private readonly readStore: ReadStore) {}

  get batches() {
    return this.readStore.collection<BatchDoc>('batches');
  }

  get items() {
    return this.readStore.collection<ItemDoc>('items');
  }

  async batchByNumber(tenant: string, number: string): Promise<BatchDoc> {
    const [doc] = await this.batches.find({ tenant, numberKey: number.toLowerCase() }, { limit: 1 });
    if (!doc) throw new ApiError('NOT_FOUND', `Batch ${number} not found`);
    return doc;
  }

  async unitBySerial(tenant: string, serial: string): Promise<ItemDoc> {
    const [doc] = await this.items.find({ tenant, serialKey: serial.toLowerCase() }, { limit: 1 });
    if (!doc) throw new ApiError('NOT_FOUND', `Unit ${serial} not found`);
    return doc;
  }

  /** The live, numbered batches of some units, by batch id. */
  async batchesOf(tenant: string, units: readonly ItemDoc[]): Promise<Map<string, BatchDoc>> {
    const ids = [...new Set(units.map((u) => u.batchId).filter((id): id is string => Boolean(id)))];
    const docs = ids.length ? await this.batches.getMany(ids.map((id) => batchDocId(tenant, id))) : [];
    return new Map(docs.filter(batchNumber).map((d) => [d.batchId, d]));
  }
}
