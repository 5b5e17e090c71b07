import path from 'node:path';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, PythonVenv, describeTier, distributedOverrides, issueKey, runToEnd, useBatchyard } from '@batchyard/test-support';

/**
 * The real PyPI client, `tofupilot==2.2.4`, against Batchyard: a Python script (tofupilot-client/) run in a
 * virtual environment this tier creates once and caches. Where Python cannot make one, the tier says so loudly.
 */
const venv = new PythonVenv('venv-tofupilot-2.2.4', ['tofupilot==2.2.4'], 'import tofupilot.v2');
const SCRIPT = path.join(__dirname, 'tofupilot-client', 'tofupilot_client_test.py');
const NO_PYTHON = 'python3 with venv and pip is not available, so the real TofuPilot client was NOT exercised';

function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The client's v1 half reports to PostHog unless told not to.
  return { ...process.env, DISABLE_TELEMETRY: 'true', ...extra };
}

describeTier('TofuPilot Python client against Batchyard (embedded)', venv.available, NO_PYTHON, () => clientTests({}));
const distributed = distributedOverrides();
describeTier('TofuPilot Python client against Batchyard (Kafka + MongoDB wire)', venv.available && Boolean(distributed), venv.available ? NO_SERVERS : NO_PYTHON, () =>
  clientTests(distributed ?? {}),
);

function clientTests(overrides: Partial<RuntimeConfig>) {
  beforeAll(() => venv.ensure(clientEnv()), 600_000);
  const by = useBatchyard(overrides);

  it('passes every check of the client script (batches, units, typed errors)', async () => {
    const user = await issueKey(by.launched.infra, 'tofu-py', 'user');
    const station = await issueKey(by.launched.infra, 'tofu-py', 'station');
    const env = clientEnv({ BATCHYARD_URL: by.url, USER_KEY: user.key, STATION_KEY: station.key });
    const { code, output } = await runToEnd(venv.python, [SCRIPT], { env });
    if (code !== 0) throw new Error(`the TofuPilot client script failed (exit ${code}):\n${output}`);
    expect(output).toContain('all checks passed');
  }, 120_000);
}
