import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { Infrastructure } from '@batchyard/runtime';
import { INFRASTRUCTURE } from '../tokens';
import { AsyncApiController } from './asyncapi.controller';
import { RequestObservability } from './request-observability.middleware';

/** What operators and event consumers read from the gateway: `/asyncapi.json`, request metrics and logs (`/metrics` is on its own port: libs/runtime/src/ops-endpoint.ts). */
@Module({})
export class OpsModule implements NestModule {
  static register(deps: { infra: Infrastructure }): DynamicModule {
    return {
      module: OpsModule,
      controllers: [AsyncApiController],
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
