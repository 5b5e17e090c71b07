import { Controller, Get, Header, Inject } from '@nestjs/common';
import { metricsRegistry } from '@batchyard/observability';
import { scrapeMetrics, type Infrastructure } from '@batchyard/runtime';
import { Public } from '../auth/auth.decorators';
import { INFRASTRUCTURE } from '../tokens';

/** `GET /metrics`: Prometheus text of every app in this process, store and bus gauges measured at scrape time. */
@Controller()
export class MetricsController {
  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  @Get('metrics')
  @Public()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return scrapeMetrics(this.infra);
  }
}
