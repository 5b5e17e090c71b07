import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { ApiKeyGuard } from './auth/api-key.guard';
import type { SignedBlobs } from './blobs/signed-blobs';
import { SignedBlobsController } from './blobs/signed-blobs.controller';
import { CommandGateway } from './commands/command-gateway';
import { EvrythngBatchesController } from './evrythng/batches.controller';
import { HealthController } from './health/health.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE, SIGNED_BLOBS } from './tokens';

export interface GatewayDependencies {
  infra: Infrastructure;
  readStore: ReadStore;
  commands: CommandGateway;
  signedBlobs: SignedBlobs;
}

@Module({})
export class GatewayModule {
  static register(deps: GatewayDependencies): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, SignedBlobsController, EvrythngBatchesController],
      providers: [
        { provide: INFRASTRUCTURE, useValue: deps.infra },
        { provide: READ_STORE, useValue: deps.readStore },
        { provide: COMMAND_GATEWAY, useValue: deps.commands },
        { provide: SIGNED_BLOBS, useValue: deps.signedBlobs },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
