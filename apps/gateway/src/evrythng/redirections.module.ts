import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { REDIRECTION_HITS, REDIRECTION_READS } from '../tokens';
import { RedirectionsController } from './redirections.controller';
import type { RedirectionHits, RedirectionReads } from './redirection-reads';

/**
 * The catch-all `GET /:shortId` in a module of its own, imported last: Nest registers routes module by
 * module, so every API route (the gateway's own and the ops module's) is matched before it. Writes the hit counts
 * still held when the gateway stops.
 */
@Module({})
export class RedirectionsModule implements OnApplicationShutdown {
  constructor(@Inject(REDIRECTION_HITS) private readonly hits: RedirectionHits) {}

  static register(reads: RedirectionReads, hits: RedirectionHits): DynamicModule {
    return {
      module: RedirectionsModule,
      controllers: [RedirectionsController],
      providers: [
        { provide: REDIRECTION_READS, useValue: reads },
        { provide: REDIRECTION_HITS, useValue: hits },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.hits.flush().catch(() => undefined);
  }
}
