import type { BulkJobDoc } from '@batchyard/read-models';
import { readableJob } from './bulk-job-reads';

const ended = {
  _id: 't:batch_1',
  _position: 50,
  status: 'completed',
  reason: null,
  files: { errorsJson: { hash: 'h', size: 1 } },
  stats: { created: 10 },
} as unknown as BulkJobDoc;

describe('readableJob', () => {
  it('shows an ended job as processing, without its end, until the resources read model reaches its last event', () => {
    expect(readableJob(ended, 49)).toMatchObject({ status: 'processing', reason: null, files: {}, stats: { created: 10 } });
    expect(readableJob({ ...ended, status: 'failed', reason: 'bad file' }, 0)).toMatchObject({ status: 'processing', reason: null });
  });

  it('shows the job as it is once the resources are readable, and a running job always', () => {
    expect(readableJob(ended, 50)).toBe(ended);
    const running = { ...ended, status: 'processing', files: {} } as BulkJobDoc;
    expect(readableJob(running, 0)).toBe(running);
  });
});
