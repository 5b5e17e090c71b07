import { SHORT_ID_VERSION, taskItem } from '@batchyard/contracts';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ShortDomainsProjection } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { addShortDomain, removeShortDomain } from '@batchyard/tenancy';
import { NO_SERVERS, describeTier, distributedOverrides, http, getWithHost, untilTaskEnded, useBatchyard, adminSender } from '@batchyard/test-support';

/**
 * Per-tenant short domains: tn.gg is everyone's; a tenant's own (added by an operator) only its tasks may name, and no
 * other tenant may take; the redirections answer on them by Host.
 */
describe('EVRYTHNG short domains (embedded)', () => shortDomainTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG short domains (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => shortDomainTests(distributed ?? {}));

function shortDomainTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { other: ['domains-two', 'operator'] } });
  const domain = `d${Date.now().toString(36)}.link`;
  /** Runs an operator's domain command and waits until the gateway sees it. */
  const operator = async (command: typeof addShortDomain, tenant: string, name: string) => {
    const outcome = await command(await adminSender(by.launched.infra), tenant, name);
    if (outcome.status === 'accepted') await new Checkpoints(await by.launched.infra.readStore()).waitFor(projectionCheckpoint(ShortDomainsProjection), outcome.position, 10_000);
    return outcome;
  };
  const task = (shortDomain: string) => ({
    type: 'POPULATING',
    inputParameters: {
      type: 'FIXED_AMOUNT',
      generateThngs: true,
      generateRedirections: true,
      defaultRedirectUrl: 'https://example.com/{evrythngId}',
      thngTemplate: { name: 'D' },
      shortDomain,
      quantity: 2,
    },
  });
  /** Queues a task naming `shortDomain` in a new batch; answers the response and the batch's tasks after it. */
  const post = async (key: string, shortDomain: string) => {
    const batchId = (await http(`${by.url}/batches`, { method: 'POST', headers: { authorization: key }, body: { name: 'Domains' } })).body.id;
    const res = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: { authorization: key }, body: task(shortDomain) });
    return Object.assign(res, { tasks: async () => (await http(`${by.url}/batches/${batchId}/tasks`, { headers: { authorization: key } })).body });
  };

  it('lets a tenant’s tasks use its own short domain, answering redirections on it by Host', async () => {
    expect(await operator(addShortDomain, 'default', domain.toUpperCase())).toMatchObject({ status: 'accepted' });
    expect((await http(`${by.url}/accounts/default/shortDomains`, { headers: { authorization: by.key } })).body).toEqual(['tn.gg', domain]);
    const created = await post(by.key, domain);
    expect(created.status).toBe(202);
    const done = await untilTaskEnded(by.url, created.headers.get('location')!, { authorization: by.key }, 300);
    expect(done.status).toBe('EXECUTED');
    const { thngId, shortId } = taskItem(done.id, 0, 1, SHORT_ID_VERSION);
    expect(await getWithHost(`${by.url}/${shortId}`, domain)).toEqual({ status: 307, location: `https://example.com/${thngId}` });
    expect((await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).status).toBe(404);
    expect((await post(by.key, 'TN.GG')).status).toBe(202);
  });

  it('refuses another tenant’s domain, an unknown one, and a removed one, with 400 in EVRYTHNG shape, queueing nothing', async () => {
    expect(await operator(addShortDomain, 'domains-two', domain)).toMatchObject({
      status: 'rejected',
      error: { code: 'conflict', message: expect.stringMatching(/belongs to another tenant/) },
    });
    for (const [key, shortDomain] of [
      [by.keys.other.key, domain],
      [by.key, 'nobody.example'],
      [by.keys.other.key, 'nobody.example'],
    ]) {
      const res = await post(key, shortDomain);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: 400,
        errors: [expect.stringMatching(new RegExp(`shortDomain ${shortDomain} is not one of this account's short domains`))],
        code: expect.any(String),
        moreInfo: expect.any(String),
      });
      expect(await res.tasks()).toEqual([]);
    }
    expect((await http(`${by.url}/accounts/default/shortDomains`, { headers: { authorization: by.keys.other.key } })).status).toBe(404);

    expect(await operator(removeShortDomain, 'default', domain)).toMatchObject({ status: 'accepted' });
    expect((await post(by.key, domain)).status).toBe(400);
    expect(await operator(addShortDomain, 'domains-two', domain)).toMatchObject({ status: 'accepted' });
    expect((await post(by.keys.other.key, domain)).status).toBe(202);
  });

  it('refuses the default or a malformed name as a tenant’s own domain', async () => {
    const sender = await adminSender(by.launched.infra);
    await expect(addShortDomain(sender, 'default', 'tn.gg')).rejects.toThrow(/default short domain/);
    await expect(addShortDomain(sender, 'default', 'no-dot')).rejects.toThrow(/domain name/);
    expect(await addShortDomain(sender, 'no-such-tenant', `x${domain}`)).toMatchObject({ status: 'rejected', error: { code: 'not_found' } });
    // The claim of a refused add was given back: another tenant may take the domain.
    expect(await operator(addShortDomain, 'domains-two', `x${domain}`)).toMatchObject({ status: 'accepted' });
  });
}
