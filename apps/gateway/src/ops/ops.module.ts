import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';
import { AsyncApiController } from './asyncapi.controller';
import { MetricsController } from './metrics.controller';
import { RequestObservability } from './request-observability.middleware';

/** What operators and event consumers read from the gateway: `/metrics`, `/asyncapi.json`, request metrics and logs. */
@Module({})
export class OpsModule implements NestModule {
  static register(deps: { infra: Infrastructure; readStore: ReadStore }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [AsyncApiController, MetricsController],
      providers: [
        { provide: INFRASTRUCTURE, useValue: deps.infra },
        { provide: READ_STORE, useValue: deps.readStore },
        RequestObservability,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestObservability).forRoutes('*');
  }
}
