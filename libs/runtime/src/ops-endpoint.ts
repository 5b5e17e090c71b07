import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '@batchyard/observability';
import { checkHealth, healthStatusCode } from './health';
import type { Infrastructure } from './infrastructure';
import { scrapeMetrics } from './process-metrics';
import type { RunningApp } from './running-app';

/**
 * `GET /metrics` and `GET /health` of a process, on a port of their own: Prometheus scrapes it, and it is kept off the
 * API's port, where every client (and anyone on the internet, where the API is public) could read the installation's
 * counters. It also serves the health of a process that runs no gateway (the gateway serves `/health` on its port too).
 */
export async function serveOpsEndpoint(infra: Infrastructure, port: number): Promise<RunningApp> {
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/health')) return send(res, 404, 'text/plain', 'not found\n');
    (path === '/metrics' ? metrics(infra, res) : health(infra, res)).catch((error: Error) => {
      infra.logger.error({ err: error, path }, 'ops endpoint failed');
      send(res, 500, 'text/plain', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`metrics port ${port} is taken: set METRICS_PORT (0 for any free port)`) : error),
    );
    server.listen(port, resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  infra.logger.info({ url }, 'metrics and health listening');
  return { name: 'ops-endpoint', url, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function metrics(infra: Infrastructure, res: ServerResponse): Promise<void> {
  send(res, 200, metricsRegistry.contentType, await scrapeMetrics(infra));
}

async function health(infra: Infrastructure, res: ServerResponse): Promise<void> {
  const result = await checkHealth(infra);
  send(res, healthStatusCode(result), 'application/json', JSON.stringify(result));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}
