// `npm test`: type check, format and lint (with the module boundaries of the project tags), build (the multi-process tests
// start the compiled apps), then jest.
// Says up front which tiers run against real servers and which cannot, and why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Batchyard needs Node 24 (found ${process.version}); run it through npm, which puts node_modules/.bin/node first.`);
  process.exit(1);
}

const dockerReachable = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
// The Python tiers (schemathesis, the TofuPilot client) make their own cached virtual environment with pinned packages.
const pythonVenv = spawnSync('python3', ['-c', 'import venv, ensurepip']).status === 0;
const tiers = [
  ['embedded (SQLite event store, read store, bus; files)', true, 'always'],
  ['Kafka', Boolean(process.env.KAFKA_BROKERS), process.env.KAFKA_BROKERS ?? 'NOT RUN: KAFKA_BROKERS is not set (.ci/run starts a real broker)'],
  ['MongoDB wire', Boolean(process.env.MONGO_URL), process.env.MONGO_URL ?? 'NOT RUN: MONGO_URL is not set (.ci/run starts a Mongo-wire server)'],
  [
    'EventStoreDB',
    Boolean(process.env.EVENTSTORE_URL) || dockerReachable,
    process.env.EVENTSTORE_URL ?? (dockerReachable ? 'testcontainers' : 'NOT RUN: no EVENTSTORE_URL and no Docker engine here'),
  ],
  [
    'console in headless Chromium (Playwright, axe-core)',
    existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
      ? (process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
      : 'NOT RUN: no Chromium (apt-get install chromium chromium-driver; .ci/run does it as root)',
  ],
  [
    'schemathesis (OpenAPI fuzzing, not_a_server_error)',
    pythonVenv,
    pythonVenv ? 'schemathesis==4.32.5 in a cached virtual environment' : 'NOT RUN: python3 with venv and pip is not available',
  ],
];
console.log('\nBatchyard test tiers:');
for (const [name, on, how] of tiers) console.log(`  ${on ? '[run]    ' : '[NOT RUN]'} ${name}: ${how}`);
console.log('');

function step(title, command, args, env = {}, stdio = 'inherit') {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { stdio, env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

step('type check', 'tsc', ['-p', 'tsconfig.json', '--noEmit']);
step('format (prettier --check)', 'prettier', ['--check', '--log-level', 'warn', '**/*.{ts,js,mjs,cjs,json}']);
// The module-boundary rule reads the project graph Nx caches (.nx/workspace-data); without it the rule is skipped.
step('project graph', 'nx', ['show', 'projects'], { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, ['ignore', 'ignore', 'inherit']);
step('lint (eslint, module boundaries)', 'eslint', ['--max-warnings', '0', '.']);
step('build', 'npm', ['run', '--silent', 'build']);
step('tests', 'jest', ['--ci', ...process.argv.slice(2)]);
