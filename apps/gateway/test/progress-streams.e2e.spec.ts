import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, startBatchyard, type BatchyardUnderTest } from '@batchyard/test-support';

/**
 * `GET /batches/:batchId/tasks/:taskId/progress` and `GET /v1/batches/:id/progress`: a task's or a bulk job's progress
 * as server-sent events (the console watches them with these), for its own tenant only, ending with it.
 */
describe('Progress as server-sent events (embedded)', () => progressTests({}));
const distributed = distributedOverrides();
describeTier('Progress as server-sent events (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => progressTests(distributed ?? {}));

interface Sse {
  event: string;
  data: any;
}

/** Reads a whole event stream (until the server ends it), as a browser's fetch would. */
async function readEvents(url: string, key: string): Promise<{ status: number; type: string | null; events: Sse[] }> {
  const res = await fetch(url, { headers: { authorization: key, accept: 'text/event-stream' } });
  const text = await res.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]),
    }));
  return { status: res.status, type: res.headers.get('content-type'), events };
}

function progressTests(overrides: Partial<RuntimeConfig>) {
  let by: BatchyardUnderTest;
  beforeAll(async () => {
    by = await startBatchyard(overrides);
  }, 120_000);
  afterAll(async () => {
    await by?.stop();
  });

  const startTask = async (quantity: number) => {
    const auth = { authorization: by.key };
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Watched' } });
    const inputParameters = { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'T' }, quantity };
    const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
    expect(created.status).toBe(202);
    return created.headers.get('location')!;
  };

  it('pushes the task document and its percent each time it changes, rising, then ends with it at 100 %', async () => {
    const location = await startTask(6_000);
    const { status, type, events } = await readEvents(`${by.url}${location}/progress`, by.key);
    expect(status).toBe(200);
    expect(type).toContain('text/event-stream');
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { percent: 100, task: { status: 'EXECUTED', progress: { totalAmount: 6_000 } } } });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const percents = events.map((e) => e.data.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // Watched from before its end: it was seen running (a 6,000-item task takes well over the 250 ms between reads).
    expect(percents[0]).toBeLessThan(100);
    // Only changes are sent: no two events alike.
    const bodies = events.map((e) => JSON.stringify(e.data));
    expect(new Set(bodies).size).toBe(bodies.length);
    // An ended task's stream answers its end at once.
    expect((await readEvents(`${by.url}${location}/progress`, by.key)).events).toEqual([events.at(-1)]);
  }, 120_000);

  it('answers 401 without a valid key and 404 to another tenant or an unknown task, in the EVRYTHNG error shape, before any stream', async () => {
    const location = await startTask(10);
    const other = await issueKey(by.launched.infra, 'progress-other-tenant', 'operator');
    const batchPath = location.split('/tasks/')[0];
    for (const [key, path, expected] of [
      ['', `${location}/progress`, 401],
      ['not-a-key', `${location}/progress`, 401],
      [other.key, `${location}/progress`, 404],
      [by.key, `${batchPath}/tasks/UmNqmfDEBDswtpaaRDs6xHpn/progress`, 404],
      [by.key, `${batchPath}/tasks/..%2F..%2Fx/progress`, 404],
    ] as const) {
      const answer = await http(`${by.url}${path}`, { headers: key ? { authorization: key } : {} });
      expect([path, answer.status]).toEqual([path, expected]);
      expect(answer.headers.get('content-type')).toContain('application/json');
      expect(answer.body).toMatchObject({ status: expected, errors: [expect.any(String)] });
    }
    expect((await http(`${by.url}${location}/progress`, { method: 'POST', headers: { authorization: by.key } })).status).toBe(405);
  }, 60_000);

  it('pushes a bulk job’s status, phases and stats until it ends, for its own tenant only (PackageX envelope errors)', async () => {
    const csv = 'name,email\nAda,ada@example.com\n,nameless@example.com\nGrace,grace@example.com\n';
    const created = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: { 'px-api-key': by.key },
      body: { resource: 'contact', action: 'merge', mode: 'async', data: `data:text/csv;base64,${Buffer.from(csv).toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const path = `/v1/batches/${created.body.data.id}/progress`;
    const { status, type, events } = await readEvents(`${by.url}${path}`, by.key);
    expect([status, type]).toEqual([200, expect.stringContaining('text/event-stream')]);
    expect(events.at(-1)).toMatchObject({
      event: 'end',
      data: { id: created.body.data.id, status: 'completed', has_errors_file: true, stats: { created: 2, rejected: 1 } },
    });
    expect(events.at(-1)!.data.phases.map((p: any) => [p.name, p.total, p.success, p.error])).toEqual([
      ['parsing', 3, 3, 0],
      ['validation', 3, 2, 1],
      ['processing', 2, 2, 0],
    ]);
    const other = await issueKey(by.launched.infra, 'progress-other-bulk-tenant', 'operator');
    for (const [key, at, expected] of [
      [other.key, path, 404],
      ['', path, 401],
      [by.key, '/v1/batches/batch_nothing/progress', 404],
    ] as const) {
      const answer = await http(`${by.url}${at}`, { headers: key ? { 'px-api-key': key } : {} });
      expect([at, answer.status, answer.body?.status]).toEqual([at, expected, expected]);
      expect(answer.body).toMatchObject({ data: null, endpoint: at });
    }
  }, 60_000);
}
