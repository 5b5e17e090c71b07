import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { MAX_APPEND_BYTES } from '@batchyard/event-store';
import { DEFAULT_MAX_MESSAGE_BYTES, kafkaTimingsFromEnv, maxMessageBytesFromEnv, partitionsFromEnv } from '@batchyard/messaging';
import { describeAdapters, loadConfig } from './config';

/**
 * docker-compose.yml, read as text (no Docker engine here): it ships no secret and publishes nothing that should not
 * be public. Compose's interpolation is `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+alt}`.
 */
const root = path.join(__dirname, '../../..');
const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const lines = compose.split('\n').filter((line) => !line.trimStart().startsWith('#'));

/** The value each line of the file gives `name` (`NAME: value` or `- NAME=value`). */
function assignments(name: string): string[] {
  const assignment = new RegExp(`^\\s*(?:-\\s*)?["']?${name}["']?\\s*[:=]\\s*(.*?)\\s*$`);
  return lines.flatMap((line) => assignment.exec(line)?.[1] ?? []);
}

/** The default each `${name…}` interpolation falls back to when the variable is unset ('' for none). */
function interpolationDefaults(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`\\$\\{${name}(?:(:?[-?+])([^}]*))?\\}`, 'g'))].map(([, operator, word]) => (operator === '-' || operator === ':-' ? word : ''));
}

/** The `ports:` entries of every service, as written. */
function publishedPorts(): string[] {
  const ports: string[] = [];
  let inPorts = false;
  for (const line of lines) {
    if (/^\s*ports:\s*$/.test(line)) inPorts = true;
    else if (inPorts && /^\s*-\s*/.test(line))
      ports.push(
        line
          .replace(/^\s*-\s*/, '')
          .replace(/["']/g, '')
          .trim(),
      );
    else inPorts = false;
  }
  return ports;
}

describe('docker-compose.yml', () => {
  it('ships no bootstrap key: the gateway takes the one you set, or generates one and prints it once', () => {
    const given = assignments('BATCHYARD_BOOTSTRAP_KEY');
    expect(given.length).toBeGreaterThan(0);
    // Every value is the variable itself, never a literal key...
    for (const value of given) expect(value).toMatch(/^["']?\$\{BATCHYARD_BOOTSTRAP_KEY[^}]*\}["']?$/);
    // ...and falls back to nothing, which the gateway reads as unset (loadConfig).
    expect(interpolationDefaults(compose, 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(given.map(() => ''));
  });

  it('tells a default key apart from none', () => {
    const shipped = 'BATCHYARD_BOOTSTRAP_KEY: ${BATCHYARD_BOOTSTRAP_KEY:-local-only-bootstrap-key-change-me}';
    expect(interpolationDefaults(shipped, 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(['local-only-bootstrap-key-change-me']);
    expect(interpolationDefaults('${BATCHYARD_BOOTSTRAP_KEY-x} ${BATCHYARD_BOOTSTRAP_KEY:?set it} ${BATCHYARD_BOOTSTRAP_KEY}', 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(['x', '', '']);
  });

  it('publishes the metrics port of every app on 127.0.0.1 only, and the API on its own port', () => {
    const ports = publishedPorts();
    const metrics = ports.filter((p) => /:9100$/.test(p));
    // The four apps: three through the shared anchor, the gateway's own list.
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    for (const port of metrics) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect(ports).toContain('${GATEWAY_HOST_PORT:-3000}:3000');
    expect(compose).toMatch(/METRICS_PORT: 9100/);
  });
});

/** Compose's interpolation with nothing exported: every `${VAR:-default}` (and `${VAR-default}`) takes its default. */
const unset = (value: unknown) => String(value).replace(/\$\{[A-Z0-9_]+(?::?[-?+]([^}]*))?\}/g, (_, word: string | undefined) => word ?? '');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, unknown>;
  depends_on?: Record<string, unknown>;
}
const services = (parse(compose, { merge: true }) as { services: Record<string, Service> }).services;
const APPS = ['batch-service', 'task-worker', 'bulk-processor', 'gateway'];
const envOf = (service: string): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([name, value]) => [name, unset(value)]));

/** Every environment variable the apps' sources name (`env.NAME`, `env['NAME']`, `'NAME'`), tests and test support aside. */
function variablesTheAppsRead(): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (!['test', 'testing', 'test-support', 'node_modules'].includes(entry)) visit(file);
      } else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) {
        for (const [, name] of readFileSync(file, 'utf8').matchAll(/(?:env\.|env\[['"]|['"])([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT)\b/g)) names.add(name);
      }
    }
  };
  visit(path.join(root, 'apps'));
  visit(path.join(root, 'libs'));
  return names;
}

describe('docker-compose.yml, parsed (what `docker compose up` would start)', () => {
  it('runs the four apps, each through the launcher, after the servers they need are healthy', () => {
    for (const app of APPS) {
      expect(services[app].command).toEqual(['node', 'dist/apps/launcher/src/launch.js', app]);
      expect(Object.keys(services[app].depends_on ?? {})).toEqual(expect.arrayContaining(['kafka', 'kurrentdb', 'mongo']));
    }
    expect(Object.keys(services.gateway.depends_on ?? {})).toContain('batch-service');
  });

  it('pins every image to an exact version', () => {
    const images = Object.fromEntries(
      Object.entries(services)
        .filter(([, s]) => s.image && !APPS.includes(s.image))
        .map(([name, s]) => [name, unset(s.image)]),
    );
    expect(images).toEqual({
      kafka: expect.stringMatching(/^apache\/kafka:3\.9\.1$/),
      kurrentdb: expect.stringMatching(/^kurrentplatform\/kurrentdb:\d+\.\d+\.\d+$/),
      mongo: expect.stringMatching(/^mongo:\d+\.\d+\.\d+$/),
      ...Object.fromEntries(APPS.map((app) => [app, 'batchyard:local'])),
    });
  });

  it('gives every app the distributed stores on the compose network, in settings the apps read', () => {
    const known = variablesTheAppsRead();
    for (const app of APPS) {
      const env = envOf(app);
      expect({ app, unknown: Object.keys(env).filter((name) => !known.has(name)) }).toEqual({ app, unknown: [] });
      const config = loadConfig(env);
      expect(describeAdapters(config)).toEqual({ eventStore: 'eventstoredb', bus: 'kafka', readStore: 'mongodb', blobStore: 'gridfs' });
      expect(config.kafkaBrokers).toEqual(['kafka:9092']);
      expect(config.eventStoreUrl).toMatch(/^kurrentdb:\/\/kurrentdb:2113\b/);
      expect(config.mongoUrl).toMatch(/^mongodb:\/\/mongo:27017\//);
      expect(config.metricsPort).toBe(9100);
      expect(() => kafkaTimingsFromEnv(env)).not.toThrow();
    }
    expect(loadConfig(envOf('gateway')).port).toBe(3000);
  });

  it("keeps the broker's message limit, the bus adapter's and KurrentDB's append limit equal", () => {
    const broker = Number(envOf('kafka').KAFKA_MESSAGE_MAX_BYTES);
    expect(broker).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    for (const app of APPS) expect({ app, bytes: maxMessageBytesFromEnv(envOf(app)) }).toEqual({ app, bytes: broker });
    expect(Number(envOf('kurrentdb').KURRENTDB_MAX_APPEND_SIZE)).toBe(MAX_APPEND_BYTES);
  });

  it('creates every topic with the partitions the broker gives others, enough for the three task workers documented', () => {
    const broker = Number(envOf('kafka').KAFKA_NUM_PARTITIONS);
    expect(broker).toBeGreaterThanOrEqual(3);
    for (const app of APPS) expect({ app, partitions: partitionsFromEnv(envOf(app)) }).toEqual({ app, partitions: broker });
  });
});

describe('Dockerfile', () => {
  it("pins Node to the exact version of the `node` package npm puts on the scripts' PATH", () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const node = lock.packages['node_modules/node'].version;
    expect(node).toMatch(/^24\./);
    const bases = [...readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map(([, image]) => image);
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) expect(image).toBe(`node:${node}-slim`);
  });
});
