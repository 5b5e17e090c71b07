import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Signed, expiring URLs (file downloads, uploads, result files). The signature is an HMAC-SHA256 over
 * the path and every query parameter (sorted by name, `expires` included), not the method or host, so
 * the same URL works for whichever verb the route takes and behind whatever public base URL serves it.
 */
export const SIGNED_URL_PARAMS = { expires: 'expires', signature: 'signature' } as const;

export type SignedUrlCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

/** Stands in for the origin: only the path and query of a URL are signed. */
const ANY_ORIGIN = 'http://signed.invalid';

/**
 * `baseUrl` (for example BATCHYARD_PUBLIC_URL, which may carry a path prefix stripped by a proxy) + `path`
 * (which may carry a query), with `expires` (epoch seconds) and `signature` added. `now` is epoch ms.
 */
export function signUrl(baseUrl: string, path: string, opts: { secret: Buffer; expiresInSeconds: number; now?: number }): string {
  if (!Number.isInteger(opts.expiresInSeconds) || opts.expiresInSeconds <= 0) {
    throw new RangeError(`expiresInSeconds must be a positive integer, got ${opts.expiresInSeconds}`);
  }
  const url = new URL(path, ANY_ORIGIN);
  url.searchParams.delete(SIGNED_URL_PARAMS.signature);
  const expires = Math.floor((opts.now ?? Date.now()) / 1000) + opts.expiresInSeconds;
  url.searchParams.set(SIGNED_URL_PARAMS.expires, String(expires));
  url.searchParams.set(SIGNED_URL_PARAMS.signature, signatureOf(url, opts.secret).toString('base64url'));
  return `${baseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

/** Checks a request's path and query (Express's `req.originalUrl`). `now` is epoch ms. */
export function verifySignedUrl(pathWithQuery: string, secret: Buffer, now: number = Date.now()): SignedUrlCheck {
  const url = new URL(pathWithQuery, ANY_ORIGIN);
  const signatures = url.searchParams.getAll(SIGNED_URL_PARAMS.signature);
  const expires = url.searchParams.get(SIGNED_URL_PARAMS.expires);
  if (signatures.length === 0 || expires === null) return { ok: false, reason: 'missing' };
  if (signatures.length > 1) return { ok: false, reason: 'invalid' };

  // The signature covers the parsed path; a request whose raw path parses to it only after dot segments or
  // backslashes are resolved would be routed as something else than what was signed.
  if (pathWithQuery.split(/[?#]/, 1)[0] !== url.pathname) return { ok: false, reason: 'invalid' };
  const given = Buffer.from(signatures[0], 'base64url');
  const expected = signatureOf(url, secret);
  // timingSafeEqual needs equal lengths; a length says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  // Checked after the signature, so `expired` is only ever said of a URL we issued.
  if (now > Number(expires) * 1000) return { ok: false, reason: 'expired' };
  return { ok: true };
}

function signatureOf(url: URL, secret: Buffer): Buffer {
  const params = [...url.searchParams].filter(([name]) => name !== SIGNED_URL_PARAMS.signature);
  // Stable sort by name only: repeated parameters keep their order, which their meaning may depend on.
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', secret)
    .update(`${url.pathname}?${new URLSearchParams(params)}`)
    .digest();
}

export const SIGNING_KEY_FILE = 'signing.key';
/** A secret given in the environment shorter than this is refused: it could be guessed offline from one URL. */
export const MIN_SIGNING_SECRET_LENGTH = 32;

/**
 * The signing secret: `envSecret` (BATCHYARD_SIGNING_SECRET) when given, else the one kept in
 * `<dataDir>/signing.key`, created on first use. The file holds 64 hex characters and the secret is that
 * text, so copying the file's content into BATCHYARD_SIGNING_SECRET signs the same way.
 */
export async function loadSigningSecret(dataDir: string, envSecret?: string): Promise<Buffer> {
  if (envSecret !== undefined && envSecret !== '') {
    if (envSecret.length < MIN_SIGNING_SECRET_LENGTH) {
      throw new Error(`BATCHYARD_SIGNING_SECRET must be at least ${MIN_SIGNING_SECRET_LENGTH} characters`);
    }
    return Buffer.from(envSecret, 'utf8');
  }
  const file = join(dataDir, SIGNING_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) return existing;

  await fs.mkdir(dataDir, { recursive: true });
  // Written whole under a name of our own, then linked into place: link fails if another process got
  // there first, and then everyone reads back the one file that won.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await fs.link(temp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.rm(temp, { force: true });
  }
  const created = await readKeyFile(file);
  if (!created) throw new Error(`${file} vanished while it was being created`);
  return created;
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new Error(`${file} holds no usable signing secret (under ${MIN_SIGNING_SECRET_LENGTH} characters): remove it to have one generated`);
  }
  return Buffer.from(text, 'utf8');
}
