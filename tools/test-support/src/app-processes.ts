import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropTestDatabase } from './tiers';

const LAUNCHER = path.resolve(__dirname, '../../../dist/apps/launcher/src/launch.js');

export interface AppProcess {
  name: string;
  child: ChildProcess;
  output: () => string;
  /**
   * The URL of each server the process listens on, by app name (`gateway`, `ops-endpoint`), once it is up. Apps
   * listen on port 0 and say which port they got (BATCHYARD_READY_FILE): a port picked free beforehand could be
   * taken by any outgoing connection's ephemeral port before the app binds it.
   */
  listening(timeoutMs?: number, others?: readonly AppProcess[]): Promise<Record<string, string>>;
  /** SIGKILL, as a crash would: no shutdown hooks run. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Server settings a child must not inherit from the test run: each tier says which servers it uses. */
const SERVER_VARIABLES = ['KAFKA_BROKERS', 'MONGO_URL', 'EVENTSTORE_URL', 'BATCHYARD_NAMESPACE'];

let started = 0;

/** Starts one app as its own process, from the compiled code `npm test` builds first. */
export function startAppProcess(name: string, env: NodeJS.ProcessEnv): AppProcess {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`npm run build\` (npm test does)`);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVER_VARIABLES.includes(k)));
  const readyFile = path.join(tmpdir(), `batchyard-ready-${process.pid}-${++started}.json`);
  const child = spawn(process.execPath, [LAUNCHER, name], {
    env: { ...inherited, PORT: '0', METRICS_PORT: '0', ...env, BATCHYARD_READY_FILE: readyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
    await rm(readyFile, { force: true });
  };
  const app: AppProcess = {
    name,
    child,
    output: () => output,
    async listening(timeoutMs = 170_000, others = []) {
      const ready = await until(timeoutMs, [app, ...others.filter((o) => o !== app)], async () => {
        const text = await readFile(readyFile, 'utf8').catch(() => undefined);
        return text && (JSON.parse(text) as { apps: { name: string; url: string }[] }).apps;
      });
      return Object.fromEntries(ready.map((a) => [a.name, a.url.replace('[::1]', '127.0.0.1')]));
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
  return app;
}

/** What each app printed, to explain a failure: the cause is often in another app than the one that failed. */
const outputs = (apps: readonly AppProcess[]) => apps.map((a) => `--- ${a.name} (exit ${a.child.exitCode ?? a.child.signalCode ?? 'running'}):\n${a.output()}`).join('\n');

/** Polls `probe` until it gives a value, failing at once when `apps[0]` exits and after the timeout, with every app's output. */
async function until<T>(timeoutMs: number, apps: readonly AppProcess[], probe: () => Promise<T | undefined | ''>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const [app] = apps;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited (${app.child.exitCode}):\n${outputs(apps)}`);
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app.name} not ready after ${timeoutMs} ms:\n${outputs(apps)}`);
}

/** Polls `url` until it answers 200 or the process dies or time runs out; a failure shows what `others` printed too. */
export async function waitForHttp(url: string, app: AppProcess, timeoutMs = 60_000, others: readonly AppProcess[] = []): Promise<void> {
  await until(timeoutMs, [app, ...others.filter((o) => o !== app)], async () => {
    try {
      return (await fetch(url)).status === 200;
    } catch {
      return false; // not listening yet
    }
  });
}

/** Several apps as their own processes on one fresh data directory, as in production. */
export interface AppCluster {
  /** The gateway's URL. */
  readonly url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Where app `name` serves `/metrics` and `/health`, apart from the API's port (the first process of that app). */
  metricsUrl(name: string): string;
  /** The same for every running process of app `name`, in the order they started: the indexes `kill` takes. */
  metricsUrls(name: string): string[];
  /** SIGKILL a process of app `name` (the `index`th running one, the first by default), as a crash would. */
  kill(name: string, index?: number): Promise<void>;
  /** Starts a process of app `name` on the same environment (again after a kill, or one more beside those running); resolves once it is healthy. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `names` (the gateway last) with `key` as the bootstrap key, and waits for every app's health. */
export async function startAppCluster(names: readonly string[], key: string, serverEnv: NodeJS.ProcessEnv = {}): Promise<AppCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-procs-'));
  const env = { ...serverEnv, BATCHYARD_DATA_DIR: dataDir, BATCHYARD_BOOTSTRAP_KEY: key, LOG_LEVEL: 'warn' };
  const apps = names.map((name) => startAppProcess(name, env));
  /** What each healthy process listens on: `gateway` (the API, the gateway only) and `ops-endpoint` (`/metrics`, `/health`). */
  const servers = new Map<AppProcess, Record<string, string>>();
  const healthy = async (app: AppProcess) => {
    const listening = await app.listening(170_000, apps);
    await waitForHttp(`${listening.gateway ?? listening['ops-endpoint']}/health`, app, 60_000, apps);
    servers.set(app, listening);
  };
  const running = (name: string) => apps.filter((a) => a.name === name && servers.has(a));
  const urlsOf = (name: string, server: string) =>
    running(name)
      .map((a) => servers.get(a)![server])
      .filter(Boolean);
  const urlOf = (name: string, server: string) => {
    const [url] = urlsOf(name, server);
    if (!url) throw new Error(`${name} is not running in this cluster, or serves no ${server}`);
    return url;
  };
  const cluster: AppCluster = {
    get url() {
      return urlOf('gateway', 'gateway');
    },
    dataDir,
    env,
    metricsUrl: (name) => urlOf(name, 'ops-endpoint'),
    metricsUrls: (name) => urlsOf(name, 'ops-endpoint'),
    async kill(name, index = 0) {
      const app = running(name)[index];
      if (!app) throw new Error(`no process ${index} of ${name} is running in this cluster`);
      servers.delete(app);
      apps.splice(apps.indexOf(app), 1);
      await app.kill();
    },
    async restart(name) {
      const app = startAppProcess(name, env);
      apps.push(app);
      await healthy(app);
    },
    async stop() {
      await Promise.all(apps.map((a) => a.stop()));
      await Promise.all([rm(dataDir, { recursive: true, force: true }), dropTestDatabase(serverEnv.MONGO_URL)]);
    },
  };
  try {
    for (const app of [...apps]) await healthy(app);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
