import { MessageHeaders } from '@batchyard/contracts';
import type { DeadLetter, DeadLetterSink } from '@batchyard/messaging';
import type { Doc, Filter, KeptStateStore } from '@batchyard/read-store';

export type DeadLetterDoc = Doc & Omit<DeadLetter, 'id'>;

export interface DeadLetterQuery {
  groupId?: string;
  topic?: string;
  /** The message's `tenant` header (commands carry it). */
  tenant?: string;
  limit?: number;
}

const COLLECTION = '_dead_letters';

/** Dead letters kept in the read store, in both modes, for `ops dlq list` and redrive. */
export class ReadStoreDeadLetters implements DeadLetterSink {
  constructor(private readonly store: KeptStateStore) {}

  async record(entry: DeadLetter): Promise<void> {
    const { id, ...doc } = entry;
    // The id is stable per group and message: recording it again after a crash overwrites.
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'put', id, doc }]);
  }

  /** Oldest first. */
  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const filter: Filter = {
      ...(query.groupId !== undefined && { groupId: query.groupId }),
      ...(query.topic !== undefined && { topic: query.topic }),
      ...(query.tenant !== undefined && { [`headers.${MessageHeaders.tenant}`]: query.tenant }),
    };
    const docs = await this.store.kept<DeadLetterDoc>(COLLECTION).find(filter, { sort: [['deadLetteredAt', 1]], limit: query.limit ?? 100 });
    return docs.map(toDeadLetter);
  }

  async get(ids: readonly string[]): Promise<DeadLetter[]> {
    return (await this.store.kept<DeadLetterDoc>(COLLECTION).getMany(ids)).map(toDeadLetter);
  }

  /** Of one consumer group, or all. */
  async count(groupId?: string): Promise<number> {
    return this.store.kept(COLLECTION).count(groupId === undefined ? {} : { groupId });
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.store.kept(COLLECTION).bulkWrite(ids.map((id) => ({ kind: 'delete', id })));
  }
}

const toDeadLetter = ({ _id, _position, ...rest }: DeadLetterDoc) => ({ id: _id, ...rest }) as DeadLetter;
