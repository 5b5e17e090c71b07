import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { redirectionDocId, type RedirectionDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { Public } from '../auth/auth.decorators';
import { ApiError } from '../http/api-error';
import { READ_STORE } from '../tokens';

/**
 * Short URLs: a request with `Host:` a short domain and path `/:shortId` answers 307 to the redirection's target.
 * Public, like any short-URL service. Its module is imported last (see RedirectionsModule), so it only sees paths no API claims.
 */
@Controller()
export class RedirectionsController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Public()
  @Get(':shortId')
  async redirect(@Param('shortId') shortId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const domain = req.hostname;
    const doc = domain ? await this.readStore.collection<RedirectionDoc>('redirections').get(redirectionDocId(domain, shortId)) : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `No redirection for ${shortId}`);
    res.redirect(307, doc.target);
  }
}
