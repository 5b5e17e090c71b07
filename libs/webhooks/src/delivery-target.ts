import { lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** A 2xx within this counts as delivered; anything slower is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** What of a receiver's answer is read (and then dropped): its status is what counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, multicast or unspecified (IPv4-mapped IPv6 addresses as their IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  // The URL parser writes a mapped address in hex (`[::ffff:7f00:1]`).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return PRIVATE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  const family = isIP(address);
  return family === 4 ? PRIVATE.check(address, 'ipv4') : family === 6 ? PRIVATE.check(address, 'ipv6') : true;
}

/** A host that names a private target without a lookup: an IP literal or localhost. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isPrivateAddress(host);
}

export class BlockedTargetError extends Error {
  constructor(address: string) {
    super(`target address ${address} is loopback or private (set BATCHYARD_WEBHOOKS_ALLOW_PRIVATE=true to allow it)`);
    this.name = 'BlockedTargetError';
  }
}

/** Resolves as usual, then refuses private addresses: checked at connect time, so DNS cannot swap one in after a check. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new BlockedTargetError(blocked.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

export interface PostResult {
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/** One POST: redirects are answers (3xx, not delivered), never followed; a request past the timeout is aborted. */
export function postWebhook(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<PostResult> {
  const started = Date.now();
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const done = (result: Omit<PostResult, 'durationMs'>) => resolve({ ...result, durationMs: Date.now() - started });
    if (!allowPrivate && isPrivateHost(target.hostname)) return done({ error: new BlockedTargetError(target.hostname).message });
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Batchyard-Webhooks/1', ...headers },
        lookup: allowPrivate ? undefined : publicOnlyLookup,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('close', () => done({ statusCode: res.statusCode }));
      },
    );
    req.on('error', (error) => done({ error: error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS} ms` : error.message }));
    req.end(body);
  });
}
