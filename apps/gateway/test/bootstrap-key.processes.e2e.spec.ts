import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { http, startAppProcess, waitForHttp, type AppProcess } from '@batchyard/test-support';

/**
 * Without BATCHYARD_BOOTSTRAP_KEY (docker-compose.yml ships none), the first start generates the default tenant's
 * operator key and prints it once; later starts print nothing and the printed key keeps working.
 */
describe('the generated bootstrap key (npm start, no BATCHYARD_BOOTSTRAP_KEY)', () => {
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-bootstrap-'));
  });
  afterAll(async () => {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ url: string; app: AppProcess }> {
    app = startAppProcess('all', { BATCHYARD_DATA_DIR: dataDir, BATCHYARD_BOOTSTRAP_KEY: '', LOG_LEVEL: 'warn' });
    const { gateway: url } = await app.listening(120_000);
    await waitForHttp(`${url}/health`, app, 120_000);
    return { url, app };
  }

  it('prints a working operator key on the first start only', async () => {
    const first = await start();
    const printed = /generated an operator API key[^\n]*\n\n\s+(\S+)\n/.exec(first.app.output())?.[1];
    expect(printed).toMatch(/^\S{20,}$/);
    expect((await http(`${first.url}/access`, { headers: { authorization: printed! } })).status).toBe(200);
    await first.app.stop();

    const second = await start();
    expect(second.app.output()).not.toContain('generated an operator API key');
    expect((await http(`${second.url}/access`, { headers: { authorization: printed! } })).status).toBe(200);
  }, 300_000);
});
