import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiError } from '../http/api-error';
import { REDIRECTION_HITS, REDIRECTION_READS } from '../tokens';
import { targetOf, type RedirectionHits, type RedirectionReads } from './redirection-reads';

/**
 * Short URLs: a request with `Host:` a short domain and path `/:shortId` answers 307 to the redirection's target,
 * whether a task or the redirections API made it, and counts a hit (in memory, written in the background: see
 * RedirectionHits). Public, like any short-URL service. Its module is imported last (see RedirectionsModule), so it
 * only sees paths no API claims.
 */
@Controller()
export class RedirectionsController {
  constructor(
    @Inject(REDIRECTION_READS) private readonly reads: RedirectionReads,
    @Inject(REDIRECTION_HITS) private readonly hits: RedirectionHits,
  ) {}

  @Public()
  @Get(':shortId')
  async redirect(@Param('shortId') shortId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const domain = req.hostname;
    const found = domain ? await this.reads.ofShortUrl(domain, shortId) : undefined;
    if (!found) throw new ApiError('NOT_FOUND', `No redirection for ${shortId}`);
    this.hits.hit(found.shortDomain, found.shortId);
    res.redirect(307, targetOf(found));
  }
}
