import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError } from '@batchyard/blob-store';
import { verifySignedUrl } from '@batchyard/http';
import { Public } from '../auth/auth.decorators';
import { ApiError } from '../http/api-error';
import { SIGNED_BLOBS } from '../tokens';
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
    const stat = await this.signed.blobs.stat(hash);
    if (!stat) throw new ApiError('NOT_FOUND', 'File not found');
    const filename = typeof req.query.filename === 'string' ? req.query.filename : undefined;
    res.status(200).type(stat.contentType).setHeader('content-length', String(stat.size));
    if (filename) res.attachment(filename);
    try {
      await pipeline(await this.signed.blobs.get(hash), res);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new ApiError('NOT_FOUND', 'File not found');
      throw error;
    }
  }
}
