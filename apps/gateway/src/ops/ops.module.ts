import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';
import { AsyncApiController } from './asyncapi.controller';
import { RequestObservability } from './request-observability.middleware';
import { RetentionSweep } from './retention-sweep';

/**
 * What operators and event consumers get from the gateway: `/asyncapi.json`, request metrics and logs (`/metrics` is
 * on its own port: libs/runtime/src/ops-endpoint.ts), and the sweep of records past their retention.
 */
@Module({})
export class OpsModule implements NestModule {
  static register(deps: { infra: Infrastructure; readStore: ReadStore }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [AsyncApiController],
      providers: [{ provide: INFRASTRUCTURE, useValue: deps.infra }, { provide: READ_STORE, useValue: deps.readStore }, RequestObservability, RetentionSweep],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestObservability).forRoutes('*');
  }
}
