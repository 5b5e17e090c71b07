import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadSigningSecret, signUrl, verifySignedUrl } from './signed-url';

const execFileAsync = promisify(execFile);

const secret = Buffer.from('s'.repeat(32));
const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const ttl = 600;

/** What the server sees of an absolute URL: Express's req.originalUrl. */
const requestPath = (absolute: string) => {
  const url = new URL(absolute);
  return `${url.pathname}${url.search}`;
};

const issue = (target = '/files/f1/content?download=1&name=a%20b') => requestPath(signUrl('https://api.example.com', target, { secret, expiresInSeconds: ttl, now }));

/** Rewrites one query parameter of a signed path. */
const withParam = (signed: string, name: string, value: string | null) => {
  const url = new URL(signed, 'http://x');
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
};

describe('signUrl / verifySignedUrl', () => {
  it('issues an absolute URL under the base with expires (epoch s) and signature, which verifies', () => {
    const signed = signUrl('https://files.example.com/by/', '/files/f1/content', { secret, expiresInSeconds: ttl, now });
    const url = new URL(signed);
    expect(`${url.origin}${url.pathname}`).toBe('https://files.example.com/by/files/f1/content');
    expect(url.searchParams.get('expires')).toBe(String(now / 1000 + ttl));
    expect(url.searchParams.get('signature')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Behind a proxy that strips the base's path prefix, the app sees the path alone.
    expect(verifySignedUrl(`/files/f1/content${url.search}`, secret, now)).toEqual({ ok: true });
  });

  it('keeps and signs the query the path carries, in any order', () => {
    const signed = issue();
    expect(verifySignedUrl(signed, secret, now)).toEqual({ ok: true });
    const url = new URL(signed, 'http://x');
    const reversed = new URLSearchParams([...url.searchParams].reverse());
    expect(verifySignedUrl(`${url.pathname}?${reversed}`, secret, now)).toEqual({ ok: true });
  });

  it.each([
    ['another path', (s: string) => s.replace('/files/f1/', '/files/f2/')],
    ['a changed query value', (s: string) => withParam(s, 'download', '0')],
    ['an added query parameter', (s: string) => withParam(s, 'tenant', 'other')],
    ['a removed query parameter', (s: string) => withParam(s, 'name', null)],
    ['a later expiry', (s: string) => withParam(s, 'expires', String(now / 1000 + ttl + 3600))],
    ['the same expiry written otherwise', (s: string) => withParam(s, 'expires', `${now / 1000 + ttl}.0`)],
    ['an altered signature', (s: string) => withParam(s, 'signature', flipFirst(new URL(s, 'http://x').searchParams.get('signature')!))],
    ['a truncated signature', (s: string) => withParam(s, 'signature', new URL(s, 'http://x').searchParams.get('signature')!.slice(0, 20))],
    ['a second signature', (s: string) => `${s}&signature=x`],
    ['dot segments resolving to the signed path', (s: string) => s.replace('/files/f1/', '/files/f9/../f1/')],
  ])('refuses %s as invalid', (_, tamper) => {
    const signed = issue();
    const tampered = tamper(signed);
    expect(tampered).not.toBe(signed);
    expect(verifySignedUrl(tampered, secret, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a URL signed with another secret', () => {
    expect(verifySignedUrl(issue(), Buffer.from('t'.repeat(32)), now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts a URL until its expiry and refuses it as expired after', () => {
    const signed = issue();
    expect(verifySignedUrl(signed, secret, now + ttl * 1000)).toEqual({ ok: true });
    expect(verifySignedUrl(signed, secret, now + ttl * 1000 + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('says missing when the signature or the expiry is absent', () => {
    const signed = issue();
    expect(verifySignedUrl('/files/f1/content', secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignedUrl(withParam(signed, 'signature', null), secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignedUrl(withParam(signed, 'expires', null), secret, now)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses to sign with expiresInSeconds %p', (expiresInSeconds) => {
    expect(() => signUrl('https://api.example.com', '/files/f1', { secret, expiresInSeconds, now })).toThrow(RangeError);
  });
});

function flipFirst(signature: string): string {
  return `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
}

describe('loadSigningSecret', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'batchyard-signing-')), 'data');
  });
  afterEach(() => fs.rm(path.dirname(dataDir), { recursive: true, force: true }));

  it('uses the secret from the environment and writes no file', async () => {
    const envSecret = 'e'.repeat(40);
    expect(await loadSigningSecret(dataDir, envSecret)).toEqual(Buffer.from(envSecret));
    await expect(fs.access(dataDir)).rejects.toThrow();
  });

  it('refuses a secret from the environment too short to resist guessing', async () => {
    await expect(loadSigningSecret(dataDir, 'short')).rejects.toThrow(/at least 32 characters/);
  });

  it('creates a 32-byte secret in <dataDir>/signing.key (mode 0600) once, and reuses it', async () => {
    const first = await loadSigningSecret(dataDir);
    const file = path.join(dataDir, 'signing.key');
    expect(await fs.readFile(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(first).toEqual(Buffer.from((await fs.readFile(file, 'utf8')).trim()));

    const again = await loadSigningSecret(dataDir);
    expect(again).toEqual(first);
    // A URL signed before a restart verifies after it.
    const signed = requestPath(signUrl('http://localhost:3000', '/files/f1', { secret: first, expiresInSeconds: ttl, now }));
    expect(verifySignedUrl(signed, again, now)).toEqual({ ok: true });
  });

  it('settles on one secret when several processes race to create it', async () => {
    // Separate processes (Node runs this .ts file by stripping its types), released together at one instant.
    const startAt = Date.now() + 1500;
    const script = `const { loadSigningSecret } = require(${JSON.stringify(path.join(__dirname, 'signed-url.ts'))});
      setTimeout(() => loadSigningSecret(${JSON.stringify(dataDir)}).then((s) => process.stdout.write(s.toString())),
        ${startAt} - Date.now());`;
    const run = () => execFileAsync(process.execPath, ['--no-warnings', '-e', script]).then((r) => r.stdout);
    const secrets = await Promise.all(Array.from({ length: 6 }, run));

    const onDisk = (await fs.readFile(path.join(dataDir, 'signing.key'), 'utf8')).trim();
    expect(new Set(secrets)).toEqual(new Set([onDisk]));
    expect(await fs.readdir(dataDir)).toEqual(['signing.key']);
  });

  it('refuses a key file that holds no usable secret', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, 'signing.key'), '\n');
    await expect(loadSigningSecret(dataDir)).rejects.toThrow(/no usable signing secret/);
  });
});
