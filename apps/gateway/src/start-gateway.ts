import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type express from 'express';
import { BusCommandSender, CommandOutcomes, CommandTimeoutError } from '@batchyard/command-bus';
import { StreamCategory, Topics } from '@batchyard/contracts';
import { ApiKeysProjection } from '@batchyard/read-models';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import type { Infrastructure, RunningApp } from '@batchyard/runtime';
import { ensureBootstrapKey } from '@batchyard/tenancy';
import { loadSigningSecret } from '@batchyard/http';
import { SignedBlobs } from './blobs/signed-blobs';
import { CommandGateway } from './commands/command-gateway';
import { consoleAssets, consoleDir } from './console/console-assets';
import { isFileUpload } from './evrythng/files.controller';
import { GatewayModule } from './gateway.module';
import { AllowedMethods, type RouterLike } from './http/allowed-methods';
import { DialectErrorFilter, expressErrorHandler } from './http/error-filter';
import { BULK_JOB_BODIES, GENERAL_BODIES, jsonBody } from './http/json-bodies';

export async function startGateway(infra: Infrastructure): Promise<RunningApp> {
  const logger = infra.logger.child({ app: 'gateway' });
  const [readStore, bus, blobs] = await Promise.all([infra.readStore(), infra.bus(), infra.blobs()]);
  const secret = await loadSigningSecret(infra.config.dataDir, infra.config.signingSecret);
  const signedBlobs = new SignedBlobs(blobs, secret, infra.config.publicUrl);
  await bus.ensureTopics(Object.values(StreamCategory).map((c) => ({ name: Topics.commands(c) })));
  const sender = new BusCommandSender(bus, new CommandOutcomes(readStore));
  const commands = new CommandGateway(sender, readStore);

  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register({ infra, readStore, commands, signedBlobs }), {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  // EVRYTHNG's SDK sends `content-type: application/json` on body-less GET and DELETE: an empty body is fine.
  // PackageX batches carry files as base64 data URLs (docs/bulk-jobs.md); parsed here, the general parser skips them.
  app.use('/v1/batches', jsonBody(BULK_JOB_BODIES));
  // The console's built files (apps/console), served as they are; its API calls go through the routes below.
  app.use('/console', consoleAssets(consoleDir()));
  const json = jsonBody(GENERAL_BODIES);
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => (isFileUpload(req.path) ? next() : json(req, res, next)));
  app.use(expressErrorHandler(logger));
  const router = () => (app.getHttpAdapter().getInstance() as express.Express).router as unknown as RouterLike;
  app.useGlobalFilters(new DialectErrorFilter(logger, new AllowedMethods(router)));
  app.enableShutdownHooks();

  const bootstrap = await untilBatchServiceAnswers(logger, () => ensureBootstrapKey(sender, readStore, infra.config.bootstrapKey));
  await new Checkpoints(readStore).waitFor(projectionCheckpoint(ApiKeysProjection), bootstrap.position, 30_000);
  if (bootstrap.kind === 'generated') {
    // Printed once, never stored in clear: keep it.
    process.stdout.write(`\n  Batchyard generated an operator API key for the default tenant (shown only now):\n\n    ${bootstrap.key}\n\n`);
  }

  await app.listen(infra.config.port);
  // Longer than clients' and proxies' idle keep-alive (Node's fetch keeps 4 s, load balancers often 60 s): a socket the
  // server closes as the client reuses it is a connection reset the client sees.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const url = await app.getUrl();
  logger.info({ url, adapters: infra.adapters }, 'gateway listening');
  return { name: 'gateway', url, stop: () => closeGracefully(app, server) };
}

/** How long requests in flight at shutdown may take to finish before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Stops taking connections, closes the idle ones at once (kept alive 65 s, they would hold the close that long) and
 * cuts the rest after a grace period, such as an upload the gateway already refused while its client still sends.
 */
async function closeGracefully(app: NestExpressApplication, server: Server): Promise<void> {
  const closing = app.close();
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  try {
    await closing;
  } finally {
    clearTimeout(cut);
  }
}

/**
 * The gateway may start before the batch service has joined its consumer group (distributed mode, a
 * loaded machine): the bootstrap commands have fixed ids, so sending them again is harmless.
 */
async function untilBatchServiceAnswers<T>(logger: Infrastructure['logger'], attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof CommandTimeoutError) || i === attempts) throw error;
      logger.warn({ attempt: i }, 'the batch service has not answered the bootstrap commands yet; retrying');
    }
  }
}
