import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import type { GeneratedThngDoc, ItemDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { ApiError } from '../http/api-error';
import { publicBase } from '../http/public-base';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';
import { keysetPage } from './listing';
import { THNG_FIELDS, thngDocument } from './thng-document';

/** EVRYTHNG `/thngs`, read only: Thngs are made by tasks and by TofuPilot units. Newest first, like EVRYTHNG. */
@Controller('thngs')
export class EvrythngThngsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  private get items() {
    return this.readStore.collection<ItemDoc | GeneratedThngDoc>('items');
  }

  @Get()
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const base = publicBase(this.infra, req);
    const page = await keysetPage(this.items, { tenant: caller.tenant, query, fields: THNG_FIELDS, base, resourcePath: '/thngs' }, (n, v) => res.setHeader(n, v));
    return page.map(thngDocument);
  }

  @Get(':thngId')
  async read(@Param('thngId') thngId: string, @CurrentCaller() caller: Caller) {
    const [item] = EVRYTHNG_ID_PATTERN.test(thngId) ? await this.items.find({ tenant: caller.tenant, thngId }, { limit: 1 }) : [];
    if (!item) throw new ApiError('NOT_FOUND', `Thng ${thngId} not found`);
    return thngDocument(item);
  }
}
