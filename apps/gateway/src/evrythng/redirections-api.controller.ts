import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomInt } from 'node:crypto';
import {
  CreateRedirection,
  DEFAULT_SHORT_DOMAIN,
  DeleteRedirection,
  EVRYTHNG_ID_ALPHABET,
  EVRYTHNG_ID_PATTERN,
  REDIRECTION_SHORT_ID_PATTERN,
  UpdateRedirection,
  evrythngIdFrom,
  redirectionIdOf,
} from '@batchyard/contracts';
import { RedirectionsProjection, redirectionDocId } from '@batchyard/read-models';
import type { Doc, ReadStore } from '@batchyard/read-store';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { requireJsonBody } from '../http/json-body';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, READ_STORE, REDIRECTION_HITS, REDIRECTION_READS } from '../tokens';
import { RedirectionCreateSchema, RedirectionQuerySchema, RedirectionUpdateSchema, redirectionDocument } from './redirection-document';
import type { Redirection, RedirectionHits, RedirectionReads } from './redirection-reads';
import { ShortDomains } from './short-domains';

interface ClaimDoc extends Doc {
  tenant: string;
  taskId: string;
  index: number;
}

/** Attempts at a free short ID when one is drawn: a clash at 50^8 codes is rare, five in a row means something else. */
const DRAWS = 5;
const SHORT_ID_LENGTH = 8;

/**
 * EVRYTHNG's redirections, as its short-domain API manages them: `POST /redirections`, `GET|PUT|DELETE
 * /redirections/:shortId` (the SDK's `thng.redirection()` sends them to `https://<shortDomain>/redirections`),
 * and a Thng's `GET /thngs/:id/redirector`. The short domain is the request's host when it is one of the tenant's,
 * else `?shortDomain=` (or the body's `shortDomain`), else tn.gg. Task-made redirections are here too; a change to
 * one is an event on its own redirection stream. Another tenant's short ID is 404.
 */
@Controller()
export class EvrythngRedirectionsController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(REDIRECTION_READS) private readonly reads: RedirectionReads,
    @Inject(REDIRECTION_HITS) private readonly hits: RedirectionHits,
    @Inject(ShortDomains) private readonly shortDomains: ShortDomains,
  ) {}

  @Post('redirections')
  @HttpCode(201)
  async create(@Body() body: unknown, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest, @Res({ passthrough: true }) res: Response) {
    requireJsonBody(req);
    const input = parseInput(RedirectionCreateSchema, body ?? {});
    const shortDomain = await this.domainOf(caller, req, input.shortDomain ?? parseInput(RedirectionQuerySchema, query).shortDomain);
    if (input.evrythngId) await this.requireThng(caller, input.evrythngId);
    const shortId = input.shortId ?? (await this.drawShortId(caller, shortDomain, req.commandId));
    if (input.shortId) await this.claim(caller, shortDomain, shortId);
    if (await this.reads.ofTenant(caller.tenant, shortDomain, shortId)) throw new ApiError('CONFLICT', `Redirection ${shortId} already exists on ${shortDomain}`);
    const redirectionId = redirectionIdOf(shortDomain, shortId);
    const data = { redirectionId, shortDomain, shortId, url: input.defaultRedirectUrl, ...(input.evrythngId && { thngId: input.evrythngId }) };
    await this.commands.execute(CreateRedirection, data, { caller, aggregateId: redirectionId, commandId: req.commandId, readModel: RedirectionsProjection });
    res.location(`/redirections/${shortId}`);
    return this.document(await this.find(caller, shortDomain, shortId));
  }

  /** EVRYTHNG's `GET /redirections?evrythngId=`, as the SDK's `thng.redirection().read()` sends it. */
  @Get('redirections')
  async list(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const { evrythngId } = parseInput(RedirectionQuerySchema, query);
    if (!evrythngId) throw new ApiError('BAD_REQUEST', 'evrythngId is required: redirections are listed by Thng (GET /redirections?evrythngId=<thngId>)');
    return Promise.all((await this.reads.ofThng(caller.tenant, evrythngId)).map((r) => this.document(r)));
  }

  @Get('redirections/:shortId')
  async read(@Param('shortId') shortId: string, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const shortDomain = await this.domainOf(caller, req, parseInput(RedirectionQuerySchema, query).shortDomain);
    return this.document(await this.find(caller, shortDomain, shortId));
  }

  /** Moves the target (the printed labels keep their short ID), or binds it to another Thng. */
  @Put('redirections/:shortId')
  async update(@Param('shortId') shortId: string, @Body() body: unknown, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest) {
    requireJsonBody(req);
    const input = parseInput(RedirectionUpdateSchema, body ?? {});
    const shortDomain = await this.domainOf(caller, req, parseInput(RedirectionQuerySchema, query).shortDomain);
    const current = await this.find(caller, shortDomain, shortId);
    if (input.shortId !== undefined && input.shortId !== current.shortId) throw new ApiError('BAD_REQUEST', 'shortId cannot change: it is what the labels print');
    if (input.shortDomain !== undefined && input.shortDomain.toLowerCase() !== current.shortDomain.toLowerCase()) {
      throw new ApiError('BAD_REQUEST', 'shortDomain cannot change: it is what the labels print');
    }
    if (input.evrythngId) await this.requireThng(caller, input.evrythngId);
    const thngId = input.evrythngId === null ? undefined : (input.evrythngId ?? current.thngId);
    const data = {
      redirectionId: current.redirectionId,
      shortDomain: current.shortDomain,
      shortId: current.shortId,
      url: input.defaultRedirectUrl ?? current.url,
      ...(thngId && { thngId }),
      ...(current.taskId && { taskId: current.taskId }),
      ...(!current.managed && { taskMade: true }),
    };
    await this.commands.execute(UpdateRedirection, data, { caller, aggregateId: current.redirectionId, commandId: req.commandId, readModel: RedirectionsProjection });
    return this.document(await this.find(caller, shortDomain, shortId));
  }

  /** Deletes it: its short URL answers 404 and its hit count goes. The short ID stays the tenant's, to create again. */
  @Delete('redirections/:shortId')
  async remove(@Param('shortId') shortId: string, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: IdempotentRequest): Promise<void> {
    const shortDomain = await this.domainOf(caller, req, parseInput(RedirectionQuerySchema, query).shortDomain);
    const current = await this.find(caller, shortDomain, shortId);
    const data = {
      redirectionId: current.redirectionId,
      shortDomain: current.shortDomain,
      shortId: current.shortId,
      ...(current.taskId && { taskId: current.taskId }),
      ...(!current.managed && { taskMade: true }),
    };
    await this.commands.execute(DeleteRedirection, data, { caller, aggregateId: current.redirectionId, commandId: req.commandId, readModel: RedirectionsProjection });
    await this.hits.forget(current.shortDomain, current.shortId);
  }

  /** A Thng's redirection (its newest, when it has several), the same document as `/redirections/:shortId`. */
  @Get('thngs/:thngId/redirector')
  async redirector(@Param('thngId') thngId: string, @CurrentCaller() caller: Caller) {
    await this.requireThng(caller, thngId);
    const [newest] = await this.reads.ofThng(caller.tenant, thngId);
    if (!newest) throw new ApiError('NOT_FOUND', `Thng ${thngId} has no redirection`);
    return this.document(newest);
  }

  private async document(r: Redirection) {
    return redirectionDocument(r, await this.hits.of(r.shortDomain, r.shortId));
  }

  private async find(caller: Caller, shortDomain: string, shortId: string): Promise<Redirection> {
    const found = REDIRECTION_SHORT_ID_PATTERN.test(shortId) ? await this.reads.ofTenant(caller.tenant, shortDomain, shortId) : undefined;
    if (!found) throw new ApiError('NOT_FOUND', `Redirection ${shortId} not found on ${shortDomain}`);
    return found;
  }

  /** The short domain the request is about: the host when it is one of the tenant's, else the one named, else tn.gg. */
  private async domainOf(caller: Caller, req: Request, named: string | undefined): Promise<string> {
    const domains = await this.shortDomains.of(caller.tenant);
    const own = (d: string) => domains.find((x) => x.toLowerCase() === d.toLowerCase());
    if (named !== undefined) {
      const domain = own(named);
      if (!domain) throw new ApiError('BAD_REQUEST', `shortDomain ${named} is not one of the account's (GET /accounts/${caller.tenant}/shortDomains)`);
      return domain;
    }
    return own(req.hostname ?? '') ?? DEFAULT_SHORT_DOMAIN;
  }

  private async requireThng(caller: Caller, thngId: string): Promise<void> {
    const [item] = EVRYTHNG_ID_PATTERN.test(thngId) ? await this.readStore.collection('items').find({ tenant: caller.tenant, thngId }, { limit: 1 }) : [];
    if (!item) throw new ApiError('NOT_FOUND', `Thng ${thngId} not found`);
  }

  /**
   * Claims the short ID on its domain, in the same claims the task worker makes for a chunk's (short IDs are
   * unique per short domain across tenants). A claim the tenant holds already (its own, or one of its tasks') is its
   * own again; another tenant's is 409.
   */
  private async claim(caller: Caller, shortDomain: string, shortId: string): Promise<boolean> {
    const claims = this.readStore.kept<ClaimDoc>('short_id_claims');
    const _id = redirectionDocId(shortDomain, shortId);
    const { duplicates } = await claims.insertMany([{ _id, tenant: caller.tenant, taskId: '', index: -1 }]);
    if (!duplicates.length) return true;
    const holder = await claims.get(_id);
    if (holder?.tenant === caller.tenant) return true;
    throw new ApiError('CONFLICT', `Short ID ${shortId} is taken on ${shortDomain}`);
  }

  /** A free short ID: 8 characters of EVRYTHNG's alphabet, unbiased; from the Idempotency-Key when there is one, so a retry draws the same. */
  private async drawShortId(caller: Caller, shortDomain: string, commandId: string | undefined): Promise<string> {
    for (let attempt = 0; attempt < DRAWS; attempt++) {
      const shortId = commandId
        ? evrythngIdFrom(`redirection:${commandId}:${attempt}`).slice(0, SHORT_ID_LENGTH)
        : Array.from({ length: SHORT_ID_LENGTH }, () => EVRYTHNG_ID_ALPHABET[randomInt(EVRYTHNG_ID_ALPHABET.length)]).join('');
      const ours = await this.claim(caller, shortDomain, shortId).catch((error: unknown) => {
        if (error instanceof ApiError) return false;
        throw error;
      });
      if (ours && !(await this.reads.ofTenant(caller.tenant, shortDomain, shortId))) return shortId;
    }
    throw new ApiError('CONFLICT', `No free short ID on ${shortDomain} after ${DRAWS} draws`);
  }
}
