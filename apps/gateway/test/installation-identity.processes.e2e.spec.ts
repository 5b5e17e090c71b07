import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RuntimeConfig } from '@batchyard/runtime';
import {
  NO_SERVERS,
  describeTier,
  distributedOverrides,
  http,
  overridesAsEnv,
  startAppProcess,
  type AppProcess,
  useBatchyard,
  type BatchyardFixture,
} from '@batchyard/test-support';

/**
 * Two installations with event stores of their own pointed at one read store (issue 16: writes answered 404, the read
 * store's checkpoints belonging to the other's event store). The second refuses to start, whole or as a gateway
 * alone (which reads the event store's identity on a connection of its own), saying what to do; the first goes on.
 */
describe('a read store of another installation (embedded: one read-store directory)', () =>
  identityTests({}, async (first, secondDir) => {
    // The embedded read store is <data dir>/read: the second installation's is the first's, its event store its own.
    await symlink(path.join(first.dataDir, 'read'), path.join(secondDir, 'read'));
    return { BATCHYARD_DATA_DIR: secondDir };
  }));

const distributed = distributedOverrides();
describeTier('a read store of another installation (Kafka + MongoDB wire: one database)', Boolean(distributed), NO_SERVERS, () =>
  identityTests(distributed ?? {}, async (first, secondDir) => ({
    // Its own namespace on the broker and its own SQLite event store; the first one's MongoDB database.
    ...overridesAsEnv({ ...first.config, namespace: `t${randomBytes(4).toString('hex')}` }),
    BATCHYARD_DATA_DIR: secondDir,
  })),
);

function identityTests(overrides: Partial<RuntimeConfig>, secondEnv: (first: BatchyardFixture<never>, dir: string) => Promise<NodeJS.ProcessEnv>) {
  let secondDir: string;
  let env: NodeJS.ProcessEnv;
  const started: AppProcess[] = [];
  const first = useBatchyard(overrides, { beforeStop: () => Promise.all(started.map((app) => app.stop())) });

  beforeAll(async () => {
    secondDir = await mkdtemp(path.join(tmpdir(), 'batchyard-second-'));
    env = { ...(await secondEnv(first, secondDir)), LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await rm(secondDir, { recursive: true, force: true });
  });

  /** Starts an app of the second installation: its exit code once it ended by itself, or `listening` if it came up. */
  async function refusal(name: string): Promise<{ code: number | null | 'listening'; output: string }> {
    const app = startAppProcess(name, env);
    started.push(app);
    const exited = new Promise<number | null>((resolve) => {
      if (app.child.exitCode !== null) return resolve(app.child.exitCode);
      app.child.once('exit', (exitCode) => resolve(exitCode));
    });
    const code = await Promise.race([
      exited,
      app.listening(120_000).then(
        () => 'listening' as const,
        () => exited,
      ),
    ]);
    return { code, output: app.output() };
  }

  const writeAndRead = async (name: string) => {
    const created = await http(`${first.url}/batches`, { method: 'POST', headers: { authorization: first.key }, body: { name } });
    expect(created.status).toBe(201);
    const read = await http(`${first.url}/batches/${created.body.id}`, { headers: { authorization: first.key } });
    expect({ status: read.status, name: read.body?.name }).toEqual({ status: 200, name });
  };

  it('refuses to start the second installation, saying what to do, while the first goes on serving its writes', async () => {
    await writeAndRead('before the second installation');
    const readStoreSetting = overrides.mongoUrl ? 'point MONGO_URL at a database of its own' : 'BATCHYARD_DATA_DIR of its own';

    for (const name of ['all', 'gateway']) {
      const { code, output } = await refusal(name);
      expect({ name, code }).toEqual({ name, code: 1 });
      expect(output).toContain('Batchyard will not start: the read store');
      expect(output).not.toContain('at verifyReadStoreStamp');
      expect(output).toContain(readStoreSetting);
      expect(output).toMatch(/npm run ops -- read-store drop --installation [0-9a-f-]{36}/);
    }

    for (let i = 0; i < 5; i++) await writeAndRead(`after the refusal ${i}`);
    const listed = await http(`${first.url}/batches?perPage=100`, { headers: { authorization: first.key } });
    expect(listed.body.map((b: { name: string }) => b.name).sort()).toEqual([
      'after the refusal 0',
      'after the refusal 1',
      'after the refusal 2',
      'after the refusal 3',
      'after the refusal 4',
      'before the second installation',
    ]);
  }, 300_000);
}
