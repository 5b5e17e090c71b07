import { Module, type DynamicModule } from '@nestjs/common';
import type { ReadStore } from '@batchyard/read-store';
import { READ_STORE } from '../tokens';
import { RedirectionsController } from './redirections.controller';

/**
 * The catch-all `GET /:shortId` in a module of its own, imported last: Nest registers routes module by
 * module, so every API route (the gateway's own and the ops module's) is matched before it.
 */
@Module({})
export class RedirectionsModule {
  static register(readStore: ReadStore): DynamicModule {
    return { module: RedirectionsModule, controllers: [RedirectionsController], providers: [{ provide: READ_STORE, useValue: readStore }] };
  }
}
