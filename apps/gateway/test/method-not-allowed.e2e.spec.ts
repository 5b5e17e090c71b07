import { request } from 'node:http';
import { dialectError, http, useBatchyard, type Dialect } from '@batchyard/test-support';

/** Any method, TRACE included (fetch refuses to send TRACE): status, Allow, JSON body. */
function send(url: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; allow?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, allow: res.headers.allow, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject).end();
  });
}

/**
 * Issue 21: a method no route declares on a known path is 405 with `Allow` (the methods that path takes), in each
 * dialect's error shape, whichever the dialect; a path no route declares stays 404. One mechanism for every route.
 */
describe('405 Method Not Allowed in every dialect (embedded)', () => {
  const by = useBatchyard({});
  const keyed = (dialect: Dialect): Record<string, string> =>
    dialect === 'packagex' ? { 'px-api-key': by.key } : dialect === 'tofupilot' ? { authorization: `Bearer ${by.key}` } : { authorization: by.key };

  // Batchyard's own /batchyard/v1 answers as problem details (docs/events.md), as its other errors do.
  const cases: [dialect: Dialect, method: string, path: string, allow: string][] = [
    ['evrythng', 'TRACE', '/batches', 'GET, HEAD, POST'],
    ['evrythng', 'PATCH', '/batches/abc', 'DELETE, GET, HEAD, PUT'],
    ['evrythng', 'TRACE', '/batches/abc/tasks/def/logs', 'GET, HEAD'],
    ['evrythng', 'POST', '/batches/abc/tasks/def/progress', 'GET, HEAD'],
    ['evrythng', 'DELETE', '/thngs', 'GET, HEAD'],
    ['evrythng', 'TRACE', '/access', 'GET, HEAD'],
    ['evrythng', 'PATCH', '/files/abc', 'DELETE, GET, HEAD'],
    ['packagex', 'TRACE', '/v1/batches', 'GET, HEAD, POST'],
    ['packagex', 'PUT', '/v1/batches/abc/cancel', 'POST'],
    ['tofupilot', 'TRACE', '/v2/batches/B-1', 'DELETE, GET, HEAD, PATCH'],
    ['tofupilot', 'PUT', '/api/v2/units', 'DELETE, GET, HEAD, POST'],
    ['tofupilot', 'TRACE', '/api/v2/units/SN-1', 'GET, HEAD, PATCH'],
    ['batchyard', 'TRACE', '/batchyard/v1/webhooks', 'GET, HEAD, POST'],
    ['batchyard', 'PUT', '/batchyard/v1/webhooks/abc', 'DELETE, GET, HEAD, PATCH'],
  ];

  it.each(cases)('%s: %s %s is 405 with Allow: %s', async (dialect, method, path, allow) => {
    const res = await send(`${by.url}${path}`, method, keyed(dialect));
    expect({ status: res.status, allow: res.allow }).toEqual({ status: 405, allow });
    expect(res.body).toEqual(dialectError(dialect, 405));
    expect(JSON.stringify(res.body)).toMatch(new RegExp(`${method} is not supported`));
    if (dialect === 'packagex') expect(res.body).toMatchObject({ code: 'method_not_supported', endpoint: path });
    else expect(res.body.code).toBe('METHOD_NOT_SUPPORTED');
  });

  it('answers 405 before any key is asked for: the method is wrong whoever asks', async () => {
    const res = await send(`${by.url}/batches`, 'TRACE');
    expect({ status: res.status, allow: res.allow }).toEqual({ status: 405, allow: 'GET, HEAD, POST' });
  });

  it('keeps 404 for paths no route declares, whatever the method, and the declared methods as they were', async () => {
    for (const [method, path, dialect] of [
      ['TRACE', '/nothing-here', 'evrythng'],
      ['PATCH', '/nothing/here', 'evrythng'],
      ['TRACE', '/v1/nothing', 'packagex'],
      ['PUT', '/api/v2/nothing', 'tofupilot'],
      ['TRACE', '/v2/batches/B-1/more', 'tofupilot'],
      ['DELETE', '/batchyard/v1/nothing', 'batchyard'],
    ] as const) {
      const res = await send(`${by.url}${path}`, method, keyed(dialect));
      expect({ path, status: res.status, allow: res.allow }).toEqual({ path, status: 404, allow: undefined });
      expect(res.body).toEqual(dialectError(dialect, 404));
    }
    // The declared methods answer as before: a missing batch is still 404, a list 200.
    expect((await http(`${by.url}/batches/abc`, { headers: keyed('evrythng') })).status).toBe(404);
    expect((await http(`${by.url}/batches`, { headers: keyed('evrythng') })).status).toBe(200);
    expect((await send(`${by.url}/batches`, 'HEAD', keyed('evrythng'))).status).toBe(200);
  });
});
