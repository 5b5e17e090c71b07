import { SHORT_ID_VERSION, taskItem } from '@batchyard/contracts';
import { redirectionDocId } from '@batchyard/read-models';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, getWithHost, http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * EVRYTHNG's redirections API on the short domain (`/redirections`, `/thngs/:id/redirector`): made by the API or
 * by a task, moved without reprinting labels, deleted, their hits counted by the 307 route; another tenant's are
 * not found.
 */
describe('EVRYTHNG redirections (embedded)', () => redirectionTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG redirections (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => redirectionTests(distributed ?? {}));

const evrythngError = (status: number, pattern: RegExp) => ({ status, errors: [expect.stringMatching(pattern)], code: expect.any(String), moreInfo: expect.any(String) });

function redirectionTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { keys: { other: ['redirections-two', 'operator'] } });
  const auth = () => ({ authorization: by.key });
  const suffix = Date.now().toString(36);
  let task: { id: string; thngs: { thngId: string; shortId: string }[] };

  beforeAll(async () => {
    const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Redirections' } });
    const inputParameters = {
      type: 'FIXED_AMOUNT',
      generateThngs: true,
      generateRedirections: true,
      defaultRedirectUrl: 'https://made.example/{evrythngId}',
      thngTemplate: { name: 'R' },
      shortDomain: 'tn.gg',
      quantity: 3,
    };
    const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth(), body: { type: 'POPULATING', inputParameters } });
    expect(created.status).toBe(202);
    const done = await untilTaskEnded(by.url, new URL(created.headers.get('location')!, by.url).pathname, auth(), 600);
    expect(done.status).toBe('EXECUTED');
    task = { id: done.id, thngs: [0, 1, 2].map((i) => taskItem(done.id, 0, i, SHORT_ID_VERSION)) };
  });

  it('creates a redirection bound to a Thng, reads it, counts the 307’s hits (written in the background), moves its target', async () => {
    const shortId = `api${suffix}`;
    const thngId = task.thngs[0].thngId;
    const created = await http(`${by.url}/redirections`, {
      method: 'POST',
      headers: auth(),
      body: { defaultRedirectUrl: 'https://a.example/p/{shortId}?t={evrythngId}', shortId, evrythngId: thngId, type: 'thng' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/redirections/${shortId}`);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-zA-Z0-9]{24}$/),
      shortId,
      shortDomain: 'tn.gg',
      defaultRedirectUrl: 'https://a.example/p/{shortId}?t={evrythngId}',
      evrythngId: thngId,
      type: 'thng',
      hits: 0,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://a.example/p/${shortId}?t=${thngId}` });
    expect((await getWithHost(`${by.url}/${shortId}`, 'TN.GG')).status).toBe(307);
    expect((await http(`${by.url}/redirections/${shortId}`, { headers: auth() })).body).toMatchObject({ shortId, hits: 2 });
    // The counts reach the kept state within a second or so, without any write on the redirect's path.
    const hits = (await by.launched.infra.readStore()).kept<{ _id: string; hits: number }>('_redirection_hits');
    const deadline = Date.now() + 5_000;
    while (((await hits.get(redirectionDocId('tn.gg', shortId)))?.hits ?? 0) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await hits.get(redirectionDocId('tn.gg', shortId)))?.hits).toBe(2);

    // A moved target: same short ID (the printed labels), same hits, the read-only fields sent back are ignored.
    const moved = await http(`${by.url}/redirections/${shortId}`, { method: 'PUT', headers: auth(), body: { ...created.body, defaultRedirectUrl: 'https://b.example/{shortId}' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ shortId, defaultRedirectUrl: 'https://b.example/{shortId}', evrythngId: thngId, hits: 2 });
    expect(moved.body.updatedAt).toBeGreaterThanOrEqual(created.body.updatedAt);
    expect(await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://b.example/${shortId}` });
    expect((await http(`${by.url}/redirections/${shortId}?shortDomain=tn.gg`, { headers: auth() })).body).toMatchObject({ hits: 3 });

    // Unbound from its Thng.
    const unbound = await http(`${by.url}/redirections/${shortId}`, { method: 'PUT', headers: auth(), body: { evrythngId: null } });
    expect(unbound.body.evrythngId).toBeUndefined();
    expect(unbound.body.defaultRedirectUrl).toBe('https://b.example/{shortId}');
  });

  it('draws a short ID of EVRYTHNG’s alphabet when none is given, and lists a Thng’s redirections as the SDK reads them', async () => {
    const thngId = task.thngs[1].thngId;
    const created = await http(`${by.url}/redirections`, { method: 'POST', headers: auth(), body: { defaultRedirectUrl: 'https://c.example/', evrythngId: thngId } });
    expect(created.status).toBe(201);
    expect(created.body.shortId).toMatch(/^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0123456789]{8}$/);
    const listed = await http(`${by.url}/redirections?evrythngId=${thngId}`, { headers: auth() });
    expect(listed.status).toBe(200);
    expect(listed.body.map((r: { shortId: string }) => r.shortId).sort()).toEqual([created.body.shortId, task.thngs[1].shortId].sort());
    expect((await http(`${by.url}/thngs/${thngId}/redirector`, { headers: auth() })).body).toMatchObject({ shortId: created.body.shortId, evrythngId: thngId });
    expect((await http(`${by.url}/redirections`, { headers: auth() })).body).toEqual(evrythngError(400, /evrythngId is required/));
  });

  it('shows a task’s redirections, moves one without a new short ID, and deletes one: its short URL then answers 404', async () => {
    const [, , third] = task.thngs;
    const first = task.thngs[0];
    const made = await http(`${by.url}/redirections/${first.shortId}`, { headers: auth() });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      shortId: first.shortId,
      shortDomain: 'tn.gg',
      defaultRedirectUrl: `https://made.example/${first.thngId}`,
      evrythngId: first.thngId,
      createdByTask: task.id,
    });
    expect((await http(`${by.url}/thngs/${third.thngId}/redirector`, { headers: auth() })).body).toMatchObject({ shortId: third.shortId, createdByTask: task.id });

    const moved = await http(`${by.url}/redirections/${first.shortId}`, { method: 'PUT', headers: auth(), body: { defaultRedirectUrl: 'https://moved.example/{evrythngId}' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ shortId: first.shortId, defaultRedirectUrl: 'https://moved.example/{evrythngId}', createdByTask: task.id, createdAt: made.body.createdAt });
    expect(await getWithHost(`${by.url}/${first.shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://moved.example/${first.thngId}` });

    expect((await http(`${by.url}/redirections/${third.shortId}`, { method: 'DELETE', headers: auth() })).status).toBe(200);
    expect((await http(`${by.url}/redirections/${third.shortId}`, { headers: auth() })).body).toEqual(evrythngError(404, /not found/));
    expect((await getWithHost(`${by.url}/${third.shortId}`, 'tn.gg')).status).toBe(404);
    expect((await http(`${by.url}/thngs/${third.thngId}/redirector`, { headers: auth() })).status).toBe(404);
    expect((await http(`${by.url}/redirections/${third.shortId}`, { method: 'DELETE', headers: auth() })).status).toBe(404);
    // The short ID stays the tenant's: created again, it starts with no hits.
    const again = await http(`${by.url}/redirections`, { method: 'POST', headers: auth(), body: { shortId: third.shortId, defaultRedirectUrl: 'https://again.example/' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ shortId: third.shortId, hits: 0 });
    expect(again.body.createdByTask).toBeUndefined();

    // Each change is an event of the tenant's feed.
    const deadline = Date.now() + 10_000;
    let types: string[] = [];
    while (Date.now() < deadline) {
      const feed = await http(`${by.url}/batchyard/v1/events?types=RedirectionCreated,RedirectionUpdated,RedirectionDeleted&limit=500`, { headers: auth() });
      types = feed.body.events.map((e: { type: string }) => e.type);
      if (types.includes('RedirectionDeleted') && types.includes('RedirectionCreated')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(types).toEqual(expect.arrayContaining(['RedirectionCreated', 'RedirectionUpdated', 'RedirectionDeleted']));
  });

  it('answers 404 for another tenant’s short ID, 409 to take it, and 400 in EVRYTHNG shape to bad input', async () => {
    const other = { authorization: by.keys.other.key };
    const mine = task.thngs[1].shortId;
    expect((await http(`${by.url}/redirections/${mine}`, { headers: other })).body).toEqual(evrythngError(404, /not found/));
    expect((await http(`${by.url}/redirections/${mine}`, { method: 'PUT', headers: other, body: { defaultRedirectUrl: 'https://evil.example/' } })).status).toBe(404);
    expect((await http(`${by.url}/redirections/${mine}`, { method: 'DELETE', headers: other })).status).toBe(404);
    expect((await http(`${by.url}/thngs/${task.thngs[1].thngId}/redirector`, { headers: other })).status).toBe(404);
    expect((await http(`${by.url}/redirections?evrythngId=${task.thngs[1].thngId}`, { headers: other })).body).toEqual([]);
    expect(await http(`${by.url}/redirections`, { method: 'POST', headers: other, body: { shortId: mine, defaultRedirectUrl: 'https://evil.example/' } })).toMatchObject({
      status: 409,
      body: evrythngError(409, /taken/),
    });
    expect(await getWithHost(`${by.url}/${mine}`, 'tn.gg')).toEqual({ status: 307, location: `https://made.example/${task.thngs[1].thngId}` });

    for (const body of [
      {},
      { defaultRedirectUrl: 'ftp://x.example/' },
      { defaultRedirectUrl: 'not a url' },
      { defaultRedirectUrl: 'https://x.example/', shortId: 'has space' },
      { defaultRedirectUrl: 'https://x.example/', unknown: 1 },
      { defaultRedirectUrl: 'https://x.example/', shortDomain: 'nobody.example' },
    ]) {
      const res = await http(`${by.url}/redirections`, { method: 'POST', headers: auth(), body });
      expect([res.status, res.body]).toEqual([400, evrythngError(400, /./)]);
    }
    expect((await http(`${by.url}/redirections`, { method: 'POST', headers: auth(), body: { defaultRedirectUrl: 'https://x.example/', evrythngId: 'a'.repeat(24) } })).status).toBe(
      404,
    );
    expect((await http(`${by.url}/redirections/${mine}`, { method: 'PUT', headers: auth(), body: { shortId: 'other' } })).body).toEqual(evrythngError(400, /cannot change/));
    expect((await http(`${by.url}/redirections/${mine}`, { method: 'PUT', headers: auth(), body: { defaultRedirectUrl: 'javascript:alert(1)' } })).status).toBe(400);
    expect((await http(`${by.url}/redirections/${mine}`, { headers: {} })).status).toBe(401);
    const taken = await http(`${by.url}/redirections`, { method: 'POST', headers: auth(), body: { shortId: mine, defaultRedirectUrl: 'https://x.example/' } });
    expect([taken.status, taken.body]).toEqual([409, evrythngError(409, /already exists/)]);
  });
}
