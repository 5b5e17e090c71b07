import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';

const LAUNCHER = path.resolve(__dirname, '../../../dist/libs/runtime/src/launch.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL, as a crash would: no shutdown hooks run. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Server settings a child must not inherit from the test run: each tier says which servers it uses. */
const SERVER_VARIABLES = ['KAFKA_BROKERS', 'MONGO_URL', 'EVENTSTORE_URL', 'BATCHYARD_NAMESPACE'];

/** Starts one app as its own process, from the compiled code `npm test` builds first. */
export function startAppProcess(name: string, env: NodeJS.ProcessEnv): AppProcess {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`npm run build\` (npm test does)`);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVER_VARIABLES.includes(k)));
  // Any free metrics port unless the caller picks one: the apps' default ports would clash between tests.
  const child = spawn(process.execPath, [LAUNCHER, name], { env: { ...inherited, METRICS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { name, child, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/** What each app printed, to explain a failure: the cause is often in another app than the one that failed. */
const outputs = (apps: readonly AppProcess[]) =>
  apps.map((a) => `--- ${a.name} (exit ${a.child.exitCode ?? a.child.signalCode ?? 'running'}):\n${a.output()}`).join('\n');

/** Polls `url` until it answers 200 or the process dies or time runs out; a failure shows what `others` printed too. */
export async function waitForHttp(url: string, app: AppProcess, timeoutMs = 60_000, others: readonly AppProcess[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const all = [app, ...others.filter((o) => o !== app)];
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited (${app.child.exitCode}):\n${outputs(all)}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${outputs(all)}`);
}

/** Several apps as their own processes on one fresh data directory and a free port, as in production. */
export interface AppCluster {
  url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Where app `name` serves `/metrics` and `/health`, apart from the API's port. */
  metricsUrl(name: string): string;
  /** SIGKILL one app, as a crash would. */
  kill(name: string): Promise<void>;
  /** Starts a killed app again on the same environment. */
  restart(name: string): void;
  stop(): Promise<void>;
}

/** Starts `names` in order (the gateway last) with `key` as the bootstrap key, and waits for every app's health. */
export async function startAppCluster(names: readonly string[], key: string, serverEnv: NodeJS.ProcessEnv = {}): Promise<AppCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-procs-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...serverEnv, BATCHYARD_DATA_DIR: dataDir, PORT: String(port), BATCHYARD_BOOTSTRAP_KEY: key, LOG_LEVEL: 'warn' };
  const metricsPorts = new Map<string, number>();
  for (const name of names) metricsPorts.set(name, await freePort());
  const start = (name: string) => startAppProcess(name, { ...env, METRICS_PORT: String(metricsPorts.get(name)) });
  const apps = names.map(start);
  const cluster: AppCluster = {
    url,
    dataDir,
    env,
    metricsUrl: (name) => `http://127.0.0.1:${metricsPorts.get(name)}`,
    async kill(name) {
      const index = apps.findIndex((a) => a.name === name);
      await apps.splice(index, 1)[0].kill();
    },
    restart(name) {
      apps.push(start(name));
    },
    async stop() {
      await Promise.all(apps.map((a) => a.stop()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const app of apps) {
      const base = app.name === 'gateway' ? url : cluster.metricsUrl(app.name);
      await waitForHttp(`${base}/health`, app, 170_000, apps);
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
