import {
  NO_SERVERS,
  appendUnappliableBatchEvent,
  describeTier,
  distributedOverrides,
  http,
  problemDetails,
  publishUndigestibleCommand,
  useBatchyard,
} from '@batchyard/test-support';
import { installationProcessors, type RuntimeConfig } from '@batchyard/runtime';

/**
 * `/batchyard/v1/operator/*` (docs/operations.md, From the console): the processors' status, lag and parked counts,
 * and the caller's own tenant's parked events and dead letters, for operator keys only; read only.
 */
describe('operator status over HTTP (embedded)', () => operatorStatusTests({}));
const distributed = distributedOverrides();
describeTier('operator status over HTTP (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => operatorStatusTests(distributed ?? {}));

function operatorStatusTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, {
    keys: { acme: ['ops-acme', 'operator'], user: ['ops-acme', 'user'], station: ['ops-acme', 'station'], other: ['ops-other', 'operator'] },
    testTimeout: 90_000,
  });
  const get = (name: 'acme' | 'user' | 'station' | 'other', path: string) => http(`${by.url}/batchyard/v1/operator${path}`, { headers: { authorization: by.keys[name].key } });
  const until = async <T>(what: string, check: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const got = await check();
      if (got !== undefined) return got;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const newBatch = async (name: 'acme' | 'other') => {
    const created = await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: by.keys[name].key }, body: { name: 'Lot' } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it('answers each projection and the relay, running, with checkpoint and lag', async () => {
    await newBatch('acme');
    const answer = await get('acme', '/projections');
    expect(answer.status).toBe(200);
    expect(answer.body.processors.map((p: any) => p.name)).toEqual(installationProcessors().map((p) => p.name));
    expect(answer.body.head).toBeGreaterThan(0);
    for (const p of answer.body.processors) {
      expect(p).toEqual({ name: expect.any(String), status: 'running', checkpoint: expect.any(Number), lag: expect.any(Number), parked: 0 });
      expect(p.lag).toBe(answer.body.head - p.checkpoint);
    }
  });

  it('refuses user and station keys (403) and no key (401), as problem details, and bad queries (400)', async () => {
    for (const path of ['/projections', '/parked-events', '/dead-letters']) {
      for (const name of ['user', 'station'] as const) {
        const refused = await get(name, path);
        expect(refused.status).toBe(403);
        expect(refused.body).toEqual(problemDetails(403, 'FORBIDDEN'));
      }
      expect((await http(`${by.url}/batchyard/v1/operator${path}`)).status).toBe(401);
    }
    expect((await get('acme', '/parked-events?limit=0')).status).toBe(400);
    expect((await get('acme', '/dead-letters?limit=201')).status).toBe(400);
    const unknown = await get('acme', '/dead-letters?tenant=ops-other');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(problemDetails(400, 'BAD_REQUEST', ['tenant']));
  });

  it('shows each tenant’s operator its own parked events only, and the projection degraded with the count', async () => {
    const acmePosition = await appendUnappliableBatchEvent(by.launched.infra, 'ops-acme', await newBatch('acme'));
    const otherPosition = await appendUnappliableBatchEvent(by.launched.infra, 'ops-other', await newBatch('other'));
    const batches = await until('both parked', async () => {
      const p = (await get('acme', '/projections')).body.processors.find((x: any) => x.name === 'batches');
      return p.parked === 2 ? p : undefined;
    });
    expect(batches.status).toBe('degraded');
    const acme = await get('acme', '/parked-events');
    expect(acme.status).toBe(200);
    expect(acme.body).toEqual([
      {
        id: expect.stringMatching(new RegExp(`#${acmePosition}$`)),
        processor: expect.any(String),
        position: acmePosition,
        eventId: expect.any(String),
        type: 'BatchUpdated',
        stream: expect.stringMatching(/^batch-ops-acme\./),
        error: 'invalid query: _id cannot be patched',
        attempts: 5,
        parkedAt: expect.any(String),
      },
    ]);
    expect((await get('other', '/parked-events')).body.map((p: any) => p.position)).toEqual([otherPosition]);
    expect((await get('other', `/parked-events?processor=${encodeURIComponent(acme.body[0].processor)}&limit=1`)).body).toHaveLength(1);
    expect((await get('other', '/parked-events?processor=relay')).body).toEqual([]);
  });

  it('shows each tenant’s operator its own dead letters only, without the stack', async () => {
    const acmeId = await publishUndigestibleCommand(by.launched.infra, 'ops-acme');
    const otherId = await publishUndigestibleCommand(by.launched.infra, 'ops-other');
    const acme = await until('the dead letter', async () => {
      const listed = (await get('acme', '/dead-letters')).body;
      return listed.length ? listed : undefined;
    });
    expect(acme).toEqual([
      {
        id: expect.any(String),
        groupId: expect.any(String),
        // Prefixed with the installation's namespace, when it has one.
        topic: expect.stringMatching(/(^|\.)batchyard\.commands\.batch$/),
        partition: expect.any(Number),
        offset: expect.any(String),
        key: 'batch-ops-acme.poison',
        type: 'NotACommand',
        messageId: acmeId,
        value: 'this is not a command',
        error: expect.any(String),
        attempts: expect.any(Number),
        deadLetteredAt: expect.any(String),
      },
    ]);
    const other = await until('the other dead letter', async () => {
      const listed = (await get('other', '/dead-letters')).body;
      return listed.length ? listed : undefined;
    });
    expect(other.map((d: any) => d.messageId)).toEqual([otherId]);
  });
}
