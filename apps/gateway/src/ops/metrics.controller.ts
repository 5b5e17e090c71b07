import { Controller, Get, Header, Inject, type OnModuleDestroy } from '@nestjs/common';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { consumerLag, deadLetters, KafkaConsumerLag, metricsRegistry, projectionLag } from '@batchyard/observability';
import { Projections } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { ReadStoreDeadLetters, type Infrastructure } from '@batchyard/runtime';
import { Public } from '../auth/auth.decorators';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';

/** `GET /metrics`: Prometheus text; store and broker gauges are measured at scrape time. */
@Controller()
export class MetricsController implements OnModuleDestroy {
  private readonly checkpoints: Checkpoints;
  private readonly deadLetters: ReadStoreDeadLetters;
  private readonly kafkaLag?: KafkaConsumerLag;

  constructor(@Inject(READ_STORE) readStore: ReadStore, @Inject(INFRASTRUCTURE) infra: Infrastructure) {
    this.checkpoints = new Checkpoints(readStore);
    this.deadLetters = new ReadStoreDeadLetters(readStore);
    const { kafkaBrokers, namespace } = infra.config;
    if (kafkaBrokers) this.kafkaLag = new KafkaConsumerLag(kafkaBrokers, namespace);
  }

  @Get('metrics')
  @Public()
  @Header('content-type', metricsRegistry.contentType)
  async metrics(): Promise<string> {
    // The gateway never opens the event store: the furthest checkpoint (the relay's, which follows every
    // event) stands in for the head.
    const positions = new Map((await this.checkpoints.all()).map((c) => [c._id, c.position]));
    const head = Math.max(0, ...positions.values());
    for (const p of Projections) projectionLag.set({ projection: p.name }, head - (positions.get(projectionCheckpoint(p)) ?? 0));
    deadLetters.set(await this.deadLetters.count());
    if (this.kafkaLag) {
      consumerLag.reset();
      for (const { group, topic, lag } of await this.kafkaLag.measure()) consumerLag.set({ group, topic }, lag);
    }
    return metricsRegistry.metrics();
  }

  onModuleDestroy(): Promise<void> | undefined {
    return this.kafkaLag?.close();
  }
}
