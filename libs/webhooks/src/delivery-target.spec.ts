import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress, isPrivateHost, postWebhook } from './delivery-target';

describe('webhook delivery targets', () => {
  it('tells loopback, private, link-local and mapped addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a00:1',
      'nonsense',
    ]) {
      expect({ address, private: isPrivateAddress(address) }).toEqual({ address, private: true });
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808'])
      expect({ address, private: isPrivateAddress(address) }).toEqual({ address, private: false });
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe(true);
    expect(isPrivateHost(new URL('http://0x7f000001/').hostname)).toBe(true);
    expect(isPrivateHost('example.com')).toBe(false);
  });

  it('refuses a loopback target unless allowed, and never follows a redirect', async () => {
    let hits = 0;
    const server = createServer((_req, res) => (hits++, res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      expect(await postWebhook(url, '{}', {}, false)).toMatchObject({ error: expect.stringMatching(/loopback or private/) });
      expect(await postWebhook(url.replace('127.0.0.1', 'localhost'), '{}', {}, false)).toMatchObject({ error: expect.stringMatching(/loopback or private/) });
      expect(hits).toBe(0);
      expect(await postWebhook(url, '{}', {}, true)).toMatchObject({ statusCode: 302 });
      expect(hits).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
