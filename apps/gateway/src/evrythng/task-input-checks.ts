import { Inject, Injectable } from '@nestjs/common';
import { fileIdOfLocation } from '@batchyard/contracts';
import { fileDocId, type FileDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import type { Caller } from '../auth/caller';
import type { SignedBlobs } from '../blobs/signed-blobs';
import { ApiError } from '../http/api-error';
import { READ_STORE, SIGNED_BLOBS } from '../tokens';
import { ShortDomains } from './short-domains';

/** The fields of a task's input the checks look at, whichever its type. */
interface CheckedInput {
  type?: string;
  shortDomain?: string;
  location?: string;
  format?: string;
}

/** A ZIP starts with a local file header (or, empty, with its end record). */
const ZIP_SIGNATURES = ['504b0304', '504b0506'];

const invalid = (field: string, message: string) => ApiError.validation([{ code: 'custom', path: ['inputParameters', field], message }]);

/** What a task's input must satisfy beyond its schema, checked before anything is queued. */
@Injectable()
export class TaskInputChecks {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs,
    @Inject(ShortDomains) private readonly shortDomains: ShortDomains,
  ) {}

  async check(caller: Caller, input: CheckedInput, base: string): Promise<void> {
    if (input.shortDomain !== undefined) await this.checkShortDomain(caller, input.shortDomain);
    if (input.type === 'FILE_BASED') await this.checkFile(caller, input.location!, input.format!, base);
  }

  /** A task names the shared default short domain or one of its tenant's own. */
  private async checkShortDomain(caller: Caller, shortDomain: string): Promise<void> {
    const ours = await this.shortDomains.of(caller.tenant);
    if (!ours.includes(shortDomain.toLowerCase())) throw invalid('shortDomain', `shortDomain ${shortDomain} is not one of this account's short domains (${ours.join(', ')})`);
  }

  /** A FILE_BASED `location` is the `contentUrl` of one of the caller's uploaded files, of the format it says. */
  private async checkFile(caller: Caller, location: string, format: string, base: string): Promise<void> {
    const fileId = fileIdOfLocation(location);
    if (!fileId || !location.startsWith(`${base}/files/`)) throw invalid('location', 'location must be the contentUrl of a file uploaded to /files');
    const file = await this.readStore.collection<FileDoc>('files').get(fileDocId(caller.tenant, fileId));
    if (!file) throw new ApiError('NOT_FOUND', `File ${fileId} not found`);
    if (!file.content) throw invalid('location', `File ${fileId} has not been uploaded yet`);
    const zip = ZIP_SIGNATURES.includes((await this.firstBytes(file.content.hash, 4)).toString('hex'));
    if (zip !== (format === 'ZIP')) throw invalid('format', `format is ${format} but file ${fileId} is ${zip ? 'a ZIP' : 'not a ZIP'}`);
  }

  private async firstBytes(hash: string, count: number): Promise<Buffer> {
    const stream = await this.signed.blobs.get(hash);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        if ((size += (chunk as Buffer).length) >= count) break;
      }
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks).subarray(0, count);
  }
}
