import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { Infrastructure } from '@batchyard/runtime';
import { INFRASTRUCTURE } from '../tokens';
import { AsyncApiController } from './asyncapi.controller';
import { MetricsController } from './metrics.controller';
import { RequestObservability } from './request-observability.middleware';

/** What operators and event consumers read from the gateway: `/metrics`, `/asyncapi.json`, request metrics and logs. */
@Module({})
export class OpsModule implements NestModule {
  static register(deps: { infra: Infrastructure }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [AsyncApiController, MetricsController],
      providers: [
        { provide: INFRASTRUCTURE, useValue: deps.infra },
        RequestObservability,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestObservability).forRoutes('*');
  }
}
