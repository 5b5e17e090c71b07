import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RequestRates } from './auth/request-rates';
import type { SignedBlobs } from './blobs/signed-blobs';
import { SignedBlobsController } from './blobs/signed-blobs.controller';
import { CommandGateway } from './commands/command-gateway';
import { EvrythngAccessController } from './evrythng/access.controller';
import { EvrythngBatchesController } from './evrythng/batches.controller';
import { EvrythngFilesController } from './evrythng/files.controller';
import { EvrythngThngsController } from './evrythng/thngs.controller';
import { EvrythngTasksController } from './evrythng/tasks.controller';
import { TaskInputChecks } from './evrythng/task-input-checks';
import { EvrythngShortDomainsController, ShortDomains } from './evrythng/short-domains';
import { RedirectionsModule } from './evrythng/redirections.module';
import { RedirectionHits, RedirectionReads } from './evrythng/redirection-reads';
import { EvrythngRedirectionsController } from './evrythng/redirections-api.controller';
import { HealthController } from './health/health.controller';
import { DocsController } from './docs/docs.controller';
import { SessionController } from './console/session.controller';
import { OperatorController } from './operator/operator.controller';
import { EventsFeedController, WebhooksController } from './webhooks/webhooks.controller';
import { ServerSentEvents } from './http/server-sent-events';
import { PackagexBatchesController } from './packagex/batches.controller';
import { PackagexResourcesController } from './packagex/resources.controller';
import { PackagexUploadController } from './packagex/upload.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { OpsModule } from './ops/ops.module';
import { TofuPilotBatchesController } from './tofupilot/batches.controller';
import { TofuPilotUnitsController } from './tofupilot/units.controller';
import { TofuLookups } from './tofupilot/tofupilot-lookups';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE, REDIRECTION_HITS, REDIRECTION_READS, SIGNED_BLOBS } from './tokens';

export interface GatewayDependencies {
  infra: Infrastructure;
  readStore: ReadStore;
  commands: CommandGateway;
  signedBlobs: SignedBlobs;
}

@Module({})
export class GatewayModule {
  static register(deps: GatewayDependencies): DynamicModule {
    // One hit counter for the 307 route and the API that reads the counts.
    const reads = new RedirectionReads(deps.readStore);
    const hits = new RedirectionHits(deps.readStore);
    return {
      module: GatewayModule,
      imports: [OpsModule.register(deps), RedirectionsModule.register(reads, hits)],
      controllers: [
        HealthController,
        DocsController,
        SessionController,
        OperatorController,
        WebhooksController,
        EventsFeedController,
        SignedBlobsController,
        EvrythngAccessController,
        EvrythngBatchesController,
        EvrythngTasksController,
        EvrythngThngsController,
        EvrythngFilesController,
        EvrythngShortDomainsController,
        EvrythngRedirectionsController,
        PackagexBatchesController,
        PackagexUploadController,
        PackagexResourcesController,
        TofuPilotBatchesController,
        TofuPilotUnitsController,
      ],
      providers: [
        { provide: INFRASTRUCTURE, useValue: deps.infra },
        { provide: READ_STORE, useValue: deps.readStore },
        { provide: COMMAND_GATEWAY, useValue: deps.commands },
        { provide: SIGNED_BLOBS, useValue: deps.signedBlobs },
        { provide: REDIRECTION_READS, useValue: reads },
        { provide: REDIRECTION_HITS, useValue: hits },
        TofuLookups,
        TaskInputChecks,
        ShortDomains,
        RequestRates,
        ServerSentEvents,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
