import { Readable } from 'node:stream';
import { loadSigningSecret, signUrl } from '@batchyard/http';
import { http, useBatchyard } from '@batchyard/test-support';
import { SignedBlobs } from '../src/blobs/signed-blobs';

describe('signed blob downloads', () => {
  const by = useBatchyard();
  let signed: SignedBlobs;
  let hash: string;

  beforeAll(async () => {
    const blobs = await by.launched.infra.blobs();
    signed = new SignedBlobs(blobs, await loadSigningSecret(by.dataDir), undefined);
    hash = (await blobs.put(Readable.from([Buffer.from('SHORT_ID,THNG\nab,cd\n')]), { contentType: 'text/csv' })).hash;
  });

  it('serves a blob to anyone holding a valid signed URL, under the name asked for', async () => {
    const url = signed.urlFor(by.url, hash, { expiresInSeconds: 60, filename: 'result.csv' });
    const res = await http(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe('SHORT_ID,THNG\nab,cd\n');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('result.csv');
  });

  it('refuses a tampered, unsigned or expired URL with 403', async () => {
    const url = new URL(signed.urlFor(by.url, hash, { expiresInSeconds: 60 }));
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1000));
    const unsigned = `${by.url}/signed/blobs/${hash}`;
    const expired = signUrl(by.url, `/signed/blobs/${hash}`, { secret: signed.secret, expiresInSeconds: 60, now: Date.now() - 3_600_000 });
    for (const [bad, why] of [
      [tampered.toString(), /not valid/],
      [unsigned, /not valid/],
      [expired, /expired/],
    ] as const) {
      const res = await http(bad);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ status: 403, errors: [expect.stringMatching(why)] });
    }
  });

  it('answers 404 for a signed URL of a blob that is not there', async () => {
    const res = await http(signed.urlFor(by.url, 'f'.repeat(64), { expiresInSeconds: 60 }));
    expect(res.status).toBe(404);
  });
});
