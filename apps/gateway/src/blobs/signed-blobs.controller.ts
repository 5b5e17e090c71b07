import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { verifySignedUrl } from '@batchyard/http';
import { Public } from '../auth/auth.decorators';
import { ApiError } from '../http/api-error';
import { SIGNED_BLOBS } from '../tokens';
import { sendBlob } from './send-blob';
import { SIGNED_BLOBS_PATH, type SignedBlobs } from './signed-blobs';

/** `GET /signed/blobs/:hash?expires&signature`: a download anyone holding the URL may make until it expires. */
@Controller(SIGNED_BLOBS_PATH.slice(1))
export class SignedBlobsController {
  constructor(@Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs) {}

  @Get(':hash')
  @Public()
  async download(@Param('hash') hash: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const check = verifySignedUrl(req.originalUrl, this.signed.secret);
    if (!check.ok) throw new ApiError('FORBIDDEN', `Signed URL ${check.reason === 'expired' ? 'has expired' : 'is not valid'}`);
    const filename = typeof req.query.filename === 'string' ? req.query.filename : undefined;
    await sendBlob(res, this.signed.blobs, hash, filename);
  }
}
