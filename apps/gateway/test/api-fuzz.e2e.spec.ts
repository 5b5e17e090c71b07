import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PythonVenv, describeTier, runToEnd, useBatchyard } from '@batchyard/test-support';

/**
 * schemathesis (PyPI, pinned) reads each OpenAPI document at /docs/<dialect> of a running embedded Batchyard and
 * sends what it generates from them, valid and not: no answer may be a 5xx (`not_a_server_error`). Each document
 * gets BATCHYARD_FUZZ_SECONDS (default 30) and a fixed seed (BATCHYARD_FUZZ_SEED), so CI's run is bounded and a
 * finding can be replayed; raise the one and change the other to search further. openapi-spec-validator checks the
 * documents first. Both live in a virtual environment this tier creates once and caches.
 */
const venv = new PythonVenv(
  'venv-schemathesis-4.32.5',
  ['schemathesis==4.32.5', 'openapi-spec-validator==0.9.0'],
  'import schemathesis, openapi_spec_validator; assert schemathesis.__version__ == "4.32.5"',
);
const NO_PYTHON = 'python3 with venv and pip is not available, so schemathesis did NOT fuzz the OpenAPI documents';
const SECONDS = Number(process.env.BATCHYARD_FUZZ_SECONDS || 30);
const SEED = process.env.BATCHYARD_FUZZ_SEED || '20261201';

/** Where each document's paths are served, and how its clients send the key. */
const DIALECTS = [
  { dialect: 'evrythng', base: '', auth: (key: string) => `Authorization: ${key}` },
  { dialect: 'packagex', base: '', auth: (key: string) => `PX-API-KEY: ${key}` },
  { dialect: 'tofupilot', base: '/api', auth: (key: string) => `Authorization: Bearer ${key}` },
];

/**
 * schemathesis's FAILURES and ERRORS sections (what went wrong, with tracebacks) come before the rest of its
 * output: CI logs cut long messages in the middle, where they would otherwise sit.
 */
function findingsFirst(output: string): string {
  const sections = output.split(/^(?==+ [A-Z ]+ =+$)/m);
  const findings = sections.filter((s) => /^=+ (FAILURES|ERRORS) =+$/m.test(s.split('\n', 1)[0]));
  return [...findings, ...sections.filter((s) => !findings.includes(s))].join('');
}

describeTier('schemathesis against every dialect’s OpenAPI document (embedded)', venv.available, NO_PYTHON, () => {
  /** schemathesis keeps its cache in the folder it runs in: one of its own, not the checkout. */
  let cwd: string;

  beforeAll(async () => {
    venv.ensure();
    cwd = await mkdtemp(path.join(tmpdir(), 'batchyard-fuzz-'));
  }, 600_000);
  const by = useBatchyard();
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('serves three valid OpenAPI 3.1 documents', async () => {
    const urls = JSON.stringify(DIALECTS.map((d) => `${by.url}/docs/${d.dialect}`));
    const check = `import json, urllib.request; from openapi_spec_validator import validate\nfor url in ${urls}: validate(json.load(urllib.request.urlopen(url)))`;
    const { code, output } = await runToEnd(venv.python, ['-c', check]);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it.each(DIALECTS)(
    'finds no server error through the $dialect document',
    async ({ dialect, base, auth }) => {
      const args = [
        'run',
        `${by.url}/docs/${dialect}`,
        '--url',
        `${by.url}${base}`,
        '--header',
        auth(by.key),
        '--checks',
        'not_a_server_error',
        '--max-time',
        String(SECONDS),
        '--max-examples',
        '10',
        '--seed',
        SEED,
        // One worker: with two threads, Hypothesis's ast.parse of lambda sources races inside CPython 3.11
        // ("AST constructor recursion depth mismatch", CPython gh-106905, fixed after 3.11.7) and the run ends in a Runtime Error.
        '--workers',
        '1',
        '--request-timeout',
        '30',
        '--generation-database',
        'none',
        '--no-color',
      ];
      const { code, output } = await runToEnd(venv.bin('st'), args, { cwd });
      if (code !== 0) throw new Error(`schemathesis found problems through /docs/${dialect} (exit ${code}; replay with BATCHYARD_FUZZ_SEED=${SEED}):\n${findingsFirst(output)}`);
      expect(output).toMatch(/Test cases:\s+\d+ generated, \d+ passed/);
      // Every operation of the document was sent something within the time.
      const [, selected, total, tested] = /Selected: (\d+)\/(\d+)\s+Tested: (\d+)/.exec(output) ?? [];
      expect(Number(tested)).toBe(Number(total));
      expect(selected).toBe(total);
    },
    (SECONDS + 120) * 1000,
  );
});
