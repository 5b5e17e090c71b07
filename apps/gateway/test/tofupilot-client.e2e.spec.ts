import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, issueKey, startBatchyard, type BatchyardUnderTest } from '@batchyard/test-support';

/**
 * The real PyPI client, `tofupilot==2.2.4`, against Batchyard: a Python script (tofupilot-client/) run in a
 * virtual environment this tier creates once and caches. Where Python cannot make one, the tier says so loudly.
 */
const TOFUPILOT = 'tofupilot==2.2.4';
const VENV = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'batchyard', 'venv-tofupilot-2.2.4');
const PYTHON = path.join(VENV, 'bin', 'python');
const SCRIPT = path.join(__dirname, 'tofupilot-client', 'tofupilot_client_test.py');

const python = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
const hasPython = existsSync(PYTHON) || python.status === 0;
const NO_PYTHON = 'python3 with venv and pip is not available, so the real TofuPilot client was NOT exercised';

/** Creates the cached venv with the pinned client, unless it is there already. */
function ensureVenv(): void {
  const installed = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import tofupilot.v2'], { env: clientEnv() }).status === 0;
  if (installed) return;
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', VENV]],
    [PYTHON, ['-m', 'pip', 'install', '--quiet', TOFUPILOT]],
  ];
  for (const [cmd, args] of steps) {
    const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  }
}

function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The client's v1 half reports to PostHog unless told not to.
  return { ...process.env, DISABLE_TELEMETRY: 'true', ...extra };
}

describeTier('TofuPilot Python client against Batchyard (embedded)', hasPython, NO_PYTHON, () => clientTests({}));
const distributed = distributedOverrides();
describeTier(
  'TofuPilot Python client against Batchyard (Kafka + MongoDB wire)',
  hasPython && Boolean(distributed),
  hasPython ? NO_SERVERS : NO_PYTHON,
  () => clientTests(distributed ?? {}),
);

function clientTests(overrides: Partial<RuntimeConfig>) {
  let by: BatchyardUnderTest;

  beforeAll(async () => {
    ensureVenv();
    by = await startBatchyard(overrides);
  }, 600_000);
  afterAll(async () => {
    await by?.stop();
  });

  it('passes every check of the client script (batches, units, typed errors)', async () => {
    const user = await issueKey(by.launched.infra, 'tofu-py', 'user');
    const station = await issueKey(by.launched.infra, 'tofu-py', 'station');
    // Asynchronous, so the in-process server keeps answering while the script runs.
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(PYTHON, [SCRIPT], {
        env: clientEnv({ BATCHYARD_URL: by.url, USER_KEY: user.key, STATION_KEY: station.key }),
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      child.on('close', (code: number | null) => resolve({ code, output }));
    });
    if (code !== 0) throw new Error(`the TofuPilot client script failed (exit ${code}):\n${output}`);
    expect(output).toContain('all checks passed');
  }, 120_000);
}
