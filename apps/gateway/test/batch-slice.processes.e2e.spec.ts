import { newApiKey } from '@batchyard/contracts';
import { NO_SERVERS, describeTier, distributedOverrides, http, overridesAsEnv, startAppCluster, type AppCluster } from '@batchyard/test-support';

/**
 * The slice with each app as its own process, as in production: on the embedded stores shared
 * through the data directory, and over real Kafka + the MongoDB wire protocol.
 */
describe('batch slice, one process per app (embedded stores)', () => processTests({}));
const distributed = distributedOverrides();
describeTier('batch slice, one process per app (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => processTests(overridesAsEnv(distributed ?? {})));

function processTests(serverEnv: NodeJS.ProcessEnv) {
  const key = newApiKey();
  let cluster: AppCluster;
  let url: string;

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'task-worker', 'bulk-processor', 'gateway'], key, serverEnv);
    ({ url } = cluster);
  }, 200_000);

  afterAll(() => cluster?.stop());

  it('creates a batch through the gateway process and reads it back', async () => {
    const created = await http(`${url}/batches`, { method: 'POST', headers: { authorization: key }, body: { name: 'Cross-process' } });
    expect(created.status).toBe(201);
    const read = await http(`${url}/batches/${created.body.id}`, { headers: { authorization: key } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, name: 'Cross-process', status: 'EMPTY' });
  });

  it('replays an idempotent POST across processes and refuses a bad one', async () => {
    const headers = { authorization: key, 'idempotency-key': 'proc-1' };
    const first = await http(`${url}/batches`, { method: 'POST', headers, body: { name: 'Once' } });
    const again = await http(`${url}/batches`, { method: 'POST', headers, body: { name: 'Once' } });
    expect(again.body.id).toBe(first.body.id);
    const bad = await http(`${url}/batches`, { method: 'POST', headers: { authorization: key }, body: { nom: 'x' } });
    expect(bad.status).toBe(400);
  });
}
