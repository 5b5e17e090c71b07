import type { BlobStore } from '@batchyard/blob-store';
import { signUrl } from '@batchyard/http';

/** Where signed blob downloads are served; the signature is the only credential. */
export const SIGNED_BLOBS_PATH = '/signed/blobs';

/** Who acts for a tenant through a signed upload URL: whoever holds it. */
export const SIGNED_UPLOADER = { keyId: 'signed-upload-url', name: 'signed upload URL', role: 'user' as const };

/** Issues signed, expiring download URLs for blobs, for every dialect's file fields. */
export class SignedBlobs {
  constructor(
    readonly blobs: BlobStore,
    readonly secret: Buffer,
    private readonly publicUrl: string | undefined,
  ) {}

  /** An absolute URL to download `hash`, valid for `expiresInSeconds`; `filename` names the download. */
  urlFor(requestOrigin: string, hash: string, options: { expiresInSeconds: number; filename?: string }): string {
    const query = options.filename ? `?filename=${encodeURIComponent(options.filename)}` : '';
    return signUrl(this.publicUrl ?? requestOrigin, `${SIGNED_BLOBS_PATH}/${hash}${query}`, {
      secret: this.secret,
      expiresInSeconds: options.expiresInSeconds,
    });
  }
}
