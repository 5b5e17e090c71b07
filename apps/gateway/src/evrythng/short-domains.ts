import { Controller, Get, Inject, Injectable, Param } from '@nestjs/common';
import { DEFAULT_SHORT_DOMAIN } from '@batchyard/contracts';
import type { ShortDomainDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { ApiError } from '../http/api-error';
import { READ_STORE } from '../tokens';

/** A tenant's short domains: the shared default, then its own (`npm run ops -- tenants domains add`). */
@Injectable()
export class ShortDomains {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async of(tenant: string): Promise<string[]> {
    const own = await this.readStore.collection<ShortDomainDoc>('short_domains').find({ tenant });
    return [DEFAULT_SHORT_DOMAIN, ...own.map((d) => d._id).sort()];
  }
}

/** EVRYTHNG's `GET /accounts/:accountId/shortDomains`, which the official CLI reads; the account is the key's tenant. */
@Controller('accounts/:accountId/shortDomains')
export class EvrythngShortDomainsController {
  constructor(@Inject(ShortDomains) private readonly shortDomains: ShortDomains) {}

  @Get()
  async list(@Param('accountId') accountId: string, @CurrentCaller() caller: Caller): Promise<string[]> {
    if (accountId !== caller.tenant) throw new ApiError('NOT_FOUND', `Account ${accountId} not found`);
    return this.shortDomains.of(caller.tenant);
  }
}
