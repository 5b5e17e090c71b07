import type { DeadLetter, DeadLetterSink } from '@batchyard/messaging';
import type { Doc, ReadStore } from '@batchyard/read-store';

export type DeadLetterDoc = Doc & Omit<DeadLetter, 'id'>;

const COLLECTION = '_dead_letters';

/** Dead letters kept in the read store, in both modes, for `ops dlq list` and redrive. */
export class ReadStoreDeadLetters implements DeadLetterSink {
  constructor(private readonly store: ReadStore) {}

  async record(entry: DeadLetter): Promise<void> {
    const { id, ...doc } = entry;
    // The id is stable per group and message: recording it again after a crash overwrites.
    await this.store.physical(COLLECTION).bulkWrite([{ kind: 'put', id, doc }]);
  }

  async list(limit = 100): Promise<DeadLetter[]> {
    const docs = await this.store.physical<DeadLetterDoc>(COLLECTION).find({}, { sort: [['deadLetteredAt', 1]], limit });
    return docs.map(({ _id, _position, ...rest }) => ({ id: _id, ...rest }) as DeadLetter);
  }
}
