import { ItemsGenerated, type RecordedEvent } from '@batchyard/contracts';
import { TasksProjection } from './tasks.projection';

describe('tasks projection of a FILE_BASED chunk', () => {
  it('counts refused rows as failed and logs each by its line, the same however often it is applied', () => {
    const event = {
      type: ItemsGenerated.type,
      tenant: 'acme',
      stream: 'task-acme.T1',
      position: 9,
      revision: 3,
      occurredAt: new Date(1_000).toISOString(),
      data: {
        batchId: 'B1',
        chunk: 0,
        first: 0,
        count: 1,
        thngTemplate: { name: 'F' },
        redirect: { shortDomain: 'tn.gg', url: 'https://x.test/{evrythngId}' },
        shortIds: ['ok1'],
        clashes: [],
        file: {
          next: { offset: 40, line: 4, row: 3 },
          rejected: [
            { line: 3, error: 'Invalid short ID', shortId: 'a b' },
            { line: 4, error: 'The row has 2 cells' },
          ],
        },
      },
    } as unknown as RecordedEvent;
    const writes = TasksProjection.apply(event);
    expect(writes[0].op).toMatchObject({ inc: { thngs: 1, urlBindings: 1, failedUrlBindings: 2 } });
    expect(writes.filter((w) => w.collection === 'task_logs').map((w) => w.op)).toEqual([
      { kind: 'put', id: 'acme:T1:line:0000000003', doc: expect.objectContaining({ index: 0, message: 'Line 3: Invalid short ID', payload: { shortId: 'a b' } }) },
      { kind: 'put', id: 'acme:T1:line:0000000004', doc: expect.objectContaining({ index: 0, message: 'Line 4: The row has 2 cells', payload: {} }) },
    ]);
    expect(TasksProjection.apply(event)).toEqual(writes);
  });
});
