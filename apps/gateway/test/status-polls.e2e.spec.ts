import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, useBatchyard } from '@batchyard/test-support';

/**
 * Issue 23: a client polls a long job until it ends, and treats any 5xx as failure. Every poll answers 200, the status
 * only moves forward and no count goes down, while the read models lag behind the job's own events.
 */

const POLL_MS = 100;
const ROWS = 100_000;
const THNGS = 200_000;
/** mongo-java-server scans on every filter but `_id`: the jobs take minutes there. */
const LONG_MS = 20 * 60_000;

const JOB_ORDER = ['requested', 'queued', 'processing', 'completed'];
const TASK_ORDER = ['PENDING', 'EXECUTING', 'EXECUTED'];

/** Every number in `doc` under the given paths, flattened, so one comparison covers all counters. */
const counters = (value: unknown, prefix = ''): Record<string, number> => {
  if (typeof value === 'number') return { [prefix]: value };
  if (value === null || typeof value !== 'object') return {};
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => counters(v, `${prefix}.${k}`)));
};

/** Polls `path` until `ended` holds; fails on any answer but 200, a status that goes back, or a counter that drops. */
async function pollToEnd(
  url: string,
  path: string,
  headers: Record<string, string>,
  read: (body: any) => { status: string; counts: unknown },
  order: string[],
  deadlineMs: number,
) {
  const deadline = Date.now() + deadlineMs;
  let last = { rank: -1, counts: {} as Record<string, number> };
  const seen: string[] = [];
  for (;;) {
    const res = await http(`${url}${path}`, { headers });
    if (res.status !== 200) throw new Error(`poll of ${path} answered ${res.status}: ${res.text}`);
    const { status, counts } = read(res.body);
    const rank = order.indexOf(status);
    if (rank < last.rank) throw new Error(`${path} went back to ${status} after ${seen.join(' → ')}`);
    if (rank < 0) throw new Error(`${path} has status ${status}, not one of ${order.join(', ')}`);
    const now = counters(counts);
    for (const [name, before] of Object.entries(last.counts)) {
      if (!(now[name] >= before)) throw new Error(`${path}: ${name} went from ${before} to ${now[name]}`);
    }
    if (seen[seen.length - 1] !== status) seen.push(status);
    last = { rank, counts: now };
    if (rank === order.length - 1) return { body: res.body, seen };
    if (Date.now() > deadline) throw new Error(`${path} did not end in ${deadlineMs} ms (seen ${seen.join(' → ')})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function pollTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { timeout: 120_000 });

  it(
    `polls a ${ROWS.toLocaleString('en')}-row contacts merge from queued to completed: always 200, never backwards`,
    async () => {
      const px = { 'px-api-key': by.key };
      const lines = ['name,email'];
      for (let i = 0; i < ROWS; i++) lines.push(`Contact ${i},contact${i}@example.com`);
      const data = `data:text/csv;base64,${Buffer.from(lines.join('\n')).toString('base64')}`;
      const created = await http(`${by.url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', mode: 'async', data } });
      expect(created.status).toBe(201);
      const { body, seen } = await pollToEnd(
        by.url,
        `/v1/batches/${created.body.data.id}`,
        px,
        (b) => ({ status: b.data.status, counts: { stats: b.data.stats, phases: b.data.phases } }),
        JOB_ORDER,
        LONG_MS,
      );
      expect(body.data.stats).toMatchObject({ created: ROWS, rejected: 0, unprocessed: 0 });
      expect(seen[seen.length - 1]).toBe('completed');
      // Completed means readable: the resources are all there.
      const contacts = await http(`${by.url}/v1/contacts?limit=1`, { headers: px });
      expect(contacts.body.pagination.total_count).toBe(ROWS);
    },
    LONG_MS,
  );

  it(
    `polls a ${THNGS.toLocaleString('en')}-Thng task from pending to executed: always 200, never backwards`,
    async () => {
      const auth = { authorization: by.key };
      const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Polled lot' } });
      const inputParameters = { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'Polled' }, quantity: THNGS };
      const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
      expect(created.status).toBe(202);
      const { body } = await pollToEnd(by.url, created.headers.get('location')!, auth, (t) => ({ status: t.status, counts: t.progress }), TASK_ORDER, LONG_MS);
      expect(body.result).toMatchObject({ totalThngsCreated: THNGS });
      const thngs = await http(`${by.url}/thngs?filter=batch=${batch.body.id}&perPage=1`, { headers: auth });
      expect(thngs.headers.get('x-result-count')).toBe(String(THNGS));
    },
    LONG_MS,
  );
}

describe('Status polls of long jobs (embedded)', () => pollTests({}));
const distributed = distributedOverrides();
describeTier('Status polls of long jobs (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => pollTests(distributed ?? {}));
