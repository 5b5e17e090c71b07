import { Controller, Get, Inject } from '@nestjs/common';
import type { Infrastructure } from '@batchyard/runtime';
import { Public } from '../auth/auth.decorators';
import { INFRASTRUCTURE } from '../tokens';
import { asyncApiDocument } from './asyncapi';

/** `GET /asyncapi.json`: the event catalogue of this installation (its topic names carry its namespace). */
@Controller()
export class AsyncApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(INFRASTRUCTURE) infra: Infrastructure) {
    this.document = asyncApiDocument(infra.config.namespace);
  }

  @Get('asyncapi.json')
  @Public()
  asyncapi() {
    return this.document;
  }
}
