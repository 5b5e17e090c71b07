// What both write benches send: POST /batches (EVRYTHNG) as one tenant at full speed.
import { http } from '@batchyard/test-support';

/** The bench is one tenant at full speed: its request limits are off (0), as BATCHYARD_LIMIT_* would set them. */
export const LIMITS_ENV = { BATCHYARD_LIMIT_REQUESTS_PER_SECOND: '0', BATCHYARD_LIMIT_REQUEST_BURST: '0' };

/** One POST /batches per call; a write not answered 201 is counted (and the first kept), never thrown. */
export function batchWrites(url: string, key: string) {
  const refusals = { count: 0, first: '' };
  const write = async () => {
    const res = await http(`${url}/batches`, { method: 'POST', headers: { authorization: key }, body: { name: 'Bench' } });
    if (res.status !== 201) {
      refusals.count++;
      refusals.first ||= `${res.status} ${res.text.slice(0, 200)}`;
    }
  };
  return { write, refusals };
}
