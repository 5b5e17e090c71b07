import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StartedKurrentDbContainer } from '@testcontainers/kurrentdb';
import { describeEventStoreConformance } from '../testing/event-store-conformance';
import { EsdbEventStore } from './esdb-event-store';

const NOT_RUN = 'EventStoreDB tier NOT RUN: no EVENTSTORE_URL and no Docker engine reachable';
// The image docker-compose.yml pins, so the tier tests what a `docker compose up` runs.
const IMAGE = process.env.KURRENTDB_IMAGE ?? 'kurrentplatform/kurrentdb:25.1.3';

// Jest registers suites synchronously, so the Docker check is a short synchronous ping in a child process.
const PING = `
const http = require('node:http');
const target = new URL(process.argv[1]);
const options = target.protocol === 'unix:' ? { socketPath: target.pathname } : { host: target.hostname, port: target.port };
http.get({ ...options, path: '/_ping', timeout: 800 }, () => process.exit(0)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1));
`;

function dockerReachable(): boolean {
  const host = process.env.DOCKER_HOST;
  const target = host
    ? host.replace(/^tcp:/, 'http:')
    : ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock'), process.env.XDG_RUNTIME_DIR && join(process.env.XDG_RUNTIME_DIR, 'docker.sock')]
        .filter((socket): socket is string => Boolean(socket) && existsSync(socket as string))
        .map((socket) => `unix://${socket}`)[0];
  if (!target) return false;
  return spawnSync(process.execPath, ['-e', PING, target], { timeout: 2000 }).status === 0;
}

const url = process.env.EVENTSTORE_URL;

if (url || dockerReachable()) {
  describe(`EventStoreDB (${url ? 'EVENTSTORE_URL' : `testcontainers, ${IMAGE}`})`, () => {
    let serverUrl = url;
    let container: StartedKurrentDbContainer | undefined;
    beforeAll(async () => {
      if (serverUrl) return;
      const { KurrentDbContainer } = await import('@testcontainers/kurrentdb');
      container = await new KurrentDbContainer(IMAGE).start();
      serverUrl = container.getConnectionString();
    }, 300_000);
    afterAll(async () => {
      await container?.stop();
    });

    describeEventStoreConformance('EventStoreDB', async () => EsdbEventStore.connect(serverUrl as string));
  });
} else {
  const rule = '!'.repeat(NOT_RUN.length + 8);
  // Straight to stderr: jest drops console output of a file whose tests all skip when it runs several files.
  process.stderr.write(`\n${rule}\n!!! ${NOT_RUN} !!!\n${rule}\n\n`);
  describe.skip(NOT_RUN, () => {
    it('runs the event store conformance suite against a real EventStoreDB', () => undefined);
  });
}
