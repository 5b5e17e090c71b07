import { ItemsGenerated, TaskQueued, TaskResultFileWritten, taskItem, type RecordedEvent } from '@batchyard/contracts';
import { ItemsProjection } from './items.projection';
import { TasksProjection, redirectionDocId } from './tasks.projection';

const event = (type: string, data: Record<string, unknown>): RecordedEvent =>
  ({ type, tenant: 'acme', stream: 'task-acme.T1', position: 9, revision: 2, occurredAt: new Date(1_000).toISOString(), data }) as unknown as RecordedEvent;
const chunkEvent = (data: Record<string, unknown>) => event(ItemsGenerated.type, data);

describe('tasks and items projections of a chunk', () => {
  const data = {
    batchId: 'B1',
    chunk: 1,
    first: 1_000,
    count: 3,
    thngTemplate: { name: 'Gen', tags: ['g'] },
    redirect: { shortDomain: 'TN.gg', url: 'https://x.test/{evrythngId}?code={shortId}&again={shortId}' },
    clashes: [{ index: 1_001, shortId: taskItem('T1', 1, 1_001).shortId }],
  };

  it('counts the chunk into the task’s progress and writes a redirection per item but the clashed one, which is logged', () => {
    const writes = TasksProjection.apply(chunkEvent(data));
    expect(writes[0]).toEqual({
      collection: 'tasks',
      op: { kind: 'patch', id: 'acme:T1', set: { updatedAt: 1_000 }, inc: { thngs: 3, urlBindings: 2, failedUrlBindings: 1, shortIds: 0 } },
    });
    const redirections = writes.filter((w) => w.collection === 'redirections');
    const first = taskItem('T1', 1, 1_000);
    expect(redirections.map((w) => w.op.id)).toEqual([redirectionDocId('tn.gg', first.shortId), redirectionDocId('tn.gg', taskItem('T1', 1, 1_002).shortId)]);
    expect(redirections[0].op).toMatchObject({ kind: 'put', doc: { target: `https://x.test/${first.thngId}?code=${first.shortId}&again=${first.shortId}`, thngId: first.thngId } });
    expect(writes.filter((w) => w.collection === 'task_logs')).toEqual([
      expect.objectContaining({
        op: expect.objectContaining({ id: 'acme:T1:1001', doc: expect.objectContaining({ payload: { shortId: data.clashes[0].shortId, thng: taskItem('T1', 1, 1_001).thngId } }) }),
      }),
    ]);
  });

  it('expands the chunk into the same Thngs however often it is applied', () => {
    const once = ItemsProjection.apply(chunkEvent(data));
    expect(once).toHaveLength(3);
    expect(once.map((w) => w.op.id)).toEqual([1_000, 1_001, 1_002].map((i) => `acme:${taskItem('T1', 1, i).thngId}`));
    expect(ItemsProjection.apply(chunkEvent(data))).toEqual(once);
    expect(ItemsProjection.apply(chunkEvent({ ...data, thngTemplate: undefined }))).toEqual([]);
  });
});

describe('tasks projection of a SHORT_ID_GENERATION task', () => {
  it('keeps the task’s key out of the read model', () => {
    const queued = {
      taskId: 'T1',
      batchId: 'B1',
      type: 'SHORT_ID_GENERATION',
      inputParameters: { quantity: 5, shortIdTemplate: { type: 'PSEUDO_RANDOM' } },
      shortIdKey: 'k'.repeat(43),
      createdBy: {},
    };
    const [write] = TasksProjection.apply(event(TaskQueued.type, queued));
    expect(write.op).toMatchObject({ kind: 'put', doc: { type: 'SHORT_ID_GENERATION', shortIds: 0, inputParameters: queued.inputParameters } });
    expect(JSON.stringify(write)).not.toContain('k'.repeat(43));
  });

  it('counts a chunk of codes (no Thngs, no redirections) and records the result file', () => {
    const writes = TasksProjection.apply(chunkEvent({ batchId: 'B1', chunk: 0, first: 0, count: 2, shortIds: ['a', 'b'], clashes: [] }));
    expect(writes).toEqual([
      { collection: 'tasks', op: { kind: 'patch', id: 'acme:T1', set: { updatedAt: 1_000 }, inc: { thngs: 0, urlBindings: 0, failedUrlBindings: 0, shortIds: 2 } } },
    ]);
    const file = { hash: 'h', size: 10, format: 'CSV', rows: 2 };
    expect(TasksProjection.apply(event(TaskResultFileWritten.type, { batchId: 'B1', ...file }))).toEqual([
      { collection: 'tasks', op: { kind: 'patch', id: 'acme:T1', set: { resultFile: file, updatedAt: 1_000 } } },
    ]);
  });
});
