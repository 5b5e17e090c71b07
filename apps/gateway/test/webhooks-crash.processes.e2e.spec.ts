import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newApiKey } from '@batchyard/contracts';
import { describeProcessTiers, http, startAppCluster, type AppCluster } from '@batchyard/test-support';

/**
 * A delivery survives kill -9 of the delivering process mid-delivery: the batch service (its dispatcher) has sent
 * the POST and waits for the answer when it dies; the batch service started again sends the same event, with the
 * same id and the same body, and records it delivered.
 */
describeProcessTiers('Webhook delivery survives kill -9 of the delivering process', { embedded: undefined, distributed: undefined }, crashTests);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function crashTests(serverEnv: NodeJS.ProcessEnv) {
  const key = newApiKey();
  let cluster: AppCluster;
  /** Every request, with its raw body; the first is left unanswered (the receiver "thinks"), later ones get 204. */
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const unanswered: ServerResponse[] = [];
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (received.length === 1) unanswered.push(res);
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    cluster = await startAppCluster(['batch-service', 'gateway'], key, { ...serverEnv, BATCHYARD_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  }, 200_000);

  afterAll(async () => {
    for (const res of unanswered) res.destroy();
    await cluster?.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the event again after the batch service is killed while waiting for the answer, with the same id and body', async () => {
    const auth = { authorization: key };
    const created = await http(`${cluster.url}/batchyard/v1/webhooks`, { method: 'POST', headers: auth, body: { url, events: ['BatchCreated'] } });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    const batch = await http(`${cluster.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Killed mid-delivery' } });
    expect(batch.status).toBe(201);

    // The POST has reached the receiver and waits for its answer: the delivering process dies now.
    await until('the first attempt', () => (received.length === 1 ? true : undefined));
    await cluster.kill('batch-service');
    const [first] = received;
    const deliveries = async () => (await http(`${cluster.url}/batchyard/v1/webhooks/${id}/deliveries`, { headers: auth })).body;
    // Nothing was recorded of the attempt cut short: the delivery still waits.
    expect((await deliveries()).map((d: any) => [d.state, d.attempts.length])).toEqual([['pending', 0]]);

    await cluster.restart('batch-service');
    await until('the delivery sent again', () => (received.length >= 2 ? true : undefined));
    const again = received[1];
    const event = JSON.parse(again.body);
    expect(event).toMatchObject({ id: JSON.parse(first.body).id, type: 'BatchCreated', data: { batchId: batch.body.id } });
    expect(again.body).toBe(first.body);
    expect(again.headers['batchyard-event-id']).toBe(first.headers['batchyard-event-id']);
    expect(again.headers['batchyard-event-id']).toBe(event.id);
    const { t, v1 } = Object.fromEntries(
      String(again.headers['batchyard-signature'])
        .split(',')
        .map((p) => p.split('=')),
    );
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${again.body}`).digest('hex'));

    const recorded = await until('recorded delivered', async () => {
      const [d] = await deliveries();
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(recorded).toMatchObject({ eventId: event.id, attempts: [{ statusCode: 204 }] });
    // Delivered once more after the kill, not again and again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toHaveLength(2);
  }, 240_000);
}
