import { RedirectionCreated, RedirectionDeleted, RedirectionUpdated, type RecordedEvent } from '@batchyard/contracts';
import { RedirectionsProjection } from './redirections.projection';
import { redirectionDocId } from './tasks.projection';

const event = (type: string, data: Record<string, unknown>): RecordedEvent =>
  ({ type, tenant: 'acme', stream: 'redirection-acme.R1', position: 9, revision: 0, occurredAt: new Date(1_000).toISOString(), data }) as unknown as RecordedEvent;
const fields = { redirectionId: 'R1', shortDomain: 'TN.gg', shortId: 'abc' };
const id = redirectionDocId('tn.gg', 'abc');

describe('redirections projection', () => {
  it('puts a created redirection under its short URL’s key, without who made it', () => {
    const writes = RedirectionsProjection.apply(
      event(RedirectionCreated.type, { ...fields, url: 'https://a/{shortId}', thngId: 'T', createdBy: { keyId: 'k', name: 'n', role: 'operator' } }),
    );
    expect(writes).toEqual([
      {
        collection: 'managed_redirections',
        op: { kind: 'put', id, doc: { ...fields, url: 'https://a/{shortId}', thngId: 'T', tenant: 'acme', createdAt: 1_000, updatedAt: 1_000 } },
      },
    ]);
  });

  it('upserts an update (a task-made one has no document here yet), unbinding a Thng it no longer names', () => {
    const [write] = RedirectionsProjection.apply(event(RedirectionUpdated.type, { ...fields, url: 'https://b', taskId: 'K' }));
    expect(write).toEqual({
      collection: 'managed_redirections',
      op: { kind: 'patch', id, set: { ...fields, url: 'https://b', taskId: 'K', tenant: 'acme', updatedAt: 1_000 }, unset: ['deleted', 'thngId'], upsert: true },
    });
  });

  it('keeps a tombstone for a deleted one, which hides the task’s document of the same short URL', () => {
    const [write] = RedirectionsProjection.apply(event(RedirectionDeleted.type, { ...fields, taskId: 'K' }));
    expect(write).toEqual({ collection: 'managed_redirections', op: { kind: 'put', id, doc: { ...fields, taskId: 'K', tenant: 'acme', deleted: true, updatedAt: 1_000 } } });
  });
});
