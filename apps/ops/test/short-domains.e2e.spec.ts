import { embeddedOpsCli } from '@batchyard/test-support';

/** `tenants domains …` as operators run it, compiled, against an embedded data directory with no service running. */
describe('ops: tenants domains (embedded, services stopped)', () => {
  const cli = embeddedOpsCli();
  const ops = cli.run;

  beforeAll(async () => {
    await cli.open();
    expect((await ops('tenants', 'create', 'acme')).code).toBe(0);
    expect((await ops('tenants', 'create', 'globex')).code).toBe(0);
  });
  afterAll(() => cli.close());

  it('adds, lists and removes a tenant’s short domains; one domain belongs to one tenant', async () => {
    expect(await ops('tenants', 'domains', 'add', 'acme', 'Acme.LINK')).toMatchObject({ code: 0, stdout: 'short domain acme.link added to tenant acme\n' });
    expect((await ops('tenants', 'domains', 'list', 'acme')).stdout).toBe('tn.gg\nacme.link\n');
    expect(await ops('tenants', 'domains', 'add', 'globex', 'acme.link')).toMatchObject({ code: 1, stderr: expect.stringMatching(/belongs to another tenant/) });
    expect((await ops('tenants', 'domains', 'list', 'globex')).stdout).toBe('tn.gg\n');
    expect((await ops('tenants', 'domains', 'remove', 'acme', 'acme.link')).code).toBe(0);
    expect((await ops('tenants', 'domains', 'list', 'acme')).stdout).toBe('tn.gg\n');
    expect((await ops('tenants', 'domains', 'add', 'globex', 'acme.link')).code).toBe(0);
  });

  it('refuses the default, a malformed domain, an unknown tenant, and removing a domain the tenant has not', async () => {
    for (const args of [
      ['add', 'acme', 'tn.gg'],
      ['add', 'acme', 'nodot'],
      ['add', 'nobody', 'x.link'],
      ['remove', 'acme', 'never.link'],
    ]) {
      const result = await ops('tenants', 'domains', ...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: /);
    }
    expect((await ops('tenants', 'domains', 'list', 'acme')).stdout).toBe('tn.gg\n');
  });
});
