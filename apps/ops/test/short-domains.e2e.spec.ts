import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const CLI = path.resolve(__dirname, '../../../dist/apps/ops/src/cli.js');

/** `tenants domains …` as operators run it, compiled, against an embedded data directory with no service running. */
describe('ops: tenants domains (embedded, services stopped)', () => {
  let dataDir: string;
  const ops = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { ...process.env, BATCHYARD_DATA_DIR: dataDir, KAFKA_BROKERS: '', MONGO_URL: '', EVENTSTORE_URL: '' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
      return { code, stdout, stderr };
    }
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
    dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-ops-domains-'));
    expect((await ops('tenants', 'create', 'acme')).code).toBe(0);
    expect((await ops('tenants', 'create', 'globex')).code).toBe(0);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

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
    for (const args of [['add', 'acme', 'tn.gg'], ['add', 'acme', 'nodot'], ['add', 'nobody', 'x.link'], ['remove', 'acme', 'never.link']]) {
      const result = await ops('tenants', 'domains', ...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: /);
    }
    expect((await ops('tenants', 'domains', 'list', 'acme')).stdout).toBe('tn.gg\n');
  });
});
