import { StoreUnavailableError } from '@batchyard/read-store';
import { toApiError } from './error-filter';

describe('toApiError', () => {
  it('answers a read store that did not answer with 503 and Retry-After, not 500', () => {
    const error = toApiError(new StoreUnavailableError(new Error('connection 3 to 127.0.0.1:27017 closed')));
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    // The store's own words (a host and port) stay in the log, not in the answer.
    expect(error.message).not.toContain('27017');
  });

  it('answers anything unknown with 500 and none of its text', () => {
    const error = toApiError(new Error('secret internals'));
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
    expect(error.message).not.toContain('secret');
  });
});
